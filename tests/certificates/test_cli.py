"""``flask certificates build <slug>``: the ZIP from the command line, with a progress bar."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import select

from judging.certificates.models import BuildStatus, CertificateBuild
from judging.extensions import db
from tests.certificates.test_builds import _clean_files, fake_render, issue_three  # noqa: F401


def test_cli_build_shows_progress_and_prints_the_zip(app, world, fake_render):  # noqa: F811
    issue_three(world)

    result = app.test_cli_runner().invoke(args=["certificates", "build", "sme-awards"])

    assert result.exit_code == 0, result.output
    assert "Building the ZIP of 3 certificate(s) of sme-awards" in result.output
    path = Path(result.output.strip().splitlines()[-1].removeprefix("ZIP written: "))
    assert path.parent.name == "certificate-builds"
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 3
    build = db.session.scalars(select(CertificateBuild)).one()
    assert (build.status, build.done, build.total, build.created_by_id) == (BuildStatus.DONE, 3, 3, None)


def test_cli_build_without_certificates_says_to_issue_them(app, world):
    result = app.test_cli_runner().invoke(args=["certificates", "build", "sme-awards"])

    assert result.exit_code == 1
    assert "issue them first" in result.output
    assert db.session.scalars(select(CertificateBuild)).all() == []


def test_cli_build_of_an_unknown_challenge_fails(app, world):
    result = app.test_cli_runner().invoke(args=["certificates", "build", "nope"])

    assert result.exit_code == 1
    assert "No challenge has the slug 'nope'" in result.output
