"""The demo programmes load once and stay the same when loaded again."""

from __future__ import annotations

from sqlalchemy import func, select

from judging.accounts.models import Organisation, User
from judging.accounts.passwords import verify_password
from judging.challenges.models import Challenge
from judging.demo import DEMO_PASSWORD, load_demo
from judging.extensions import db
from judging.submissions.models import Submission


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Organisation, Challenge, Submission)
    }


def test_demo_loads_two_programmes_with_entrants_from_many_countries(app):
    summary = load_demo()
    sme = db.session.scalar(select(Challenge).where(Challenge.slug == "digital-sme-awards-2027"))
    innovation = db.session.scalar(select(Challenge).where(Challenge.slug == "innovation-challenge-2027"))
    assert [c.name for c in sme.categories] == [
        "Connectivity",
        "Smart cities, smart living",
        "E-health",
        "Digital finance",
    ]
    assert [c.name for c in innovation.categories] == [
        "Digital change-maker",
        "Ecosystem best practice",
        "Women in tech",
    ]
    assert sme.accepts_entries() and innovation.accepts_entries()
    assert sme.closes_at.astimezone(sme.zone).strftime("%H:%M") == "00:00"  # midnight in Paris
    countries = db.session.scalars(select(Organisation.country).distinct()).all()
    assert len(countries) >= 20
    assert "Demo accounts:" in summary.describe()
    assert "admin@example.org" in summary.describe()


def test_demo_accounts_sign_in_with_the_printed_password(app):
    load_demo()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.is_admin
    assert verify_password(admin.password_hash, DEMO_PASSWORD)


def test_loading_the_demo_twice_changes_nothing(app):
    load_demo()
    before = _counts()
    second = load_demo()
    assert _counts() == before
    assert second.created == {}


def test_demo_command_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in result.output
    assert DEMO_PASSWORD in result.output


def test_demo_has_a_past_edition_in_judging_with_a_ready_jury_and_a_screening_round(app):
    from judging.assignments.models import Judge, Round, RoundEntry
    from judging.core.lifecycle import ChallengeStatus, SubmissionStatus

    load_demo()
    past = db.session.scalar(select(Challenge).where(Challenge.slug == "digital-sme-awards-2026"))
    assert past.current_status() is ChallengeStatus.JUDGING
    judges = db.session.scalars(select(Judge).where(Judge.challenge_id == past.id)).all()
    assert len(judges) == 12
    assert all(judge.is_ready and judge.expertise for judge in judges)
    screening = db.session.scalar(select(Round).where(Round.challenge_id == past.id, Round.position == 1))
    held = db.session.scalars(
        select(RoundEntry.submission_id).where(RoundEntry.round_id == screening.id)
    ).all()
    eligible = db.session.scalars(
        select(Submission.id).where(
            Submission.challenge_id == past.id, Submission.status == SubmissionStatus.ELIGIBLE
        )
    ).all()
    assert sorted(held) == sorted(eligible)
    assert len(held) >= 15


def test_the_demo_screening_round_can_be_assigned_with_language_matches(app):
    from judging.assignments.assign_services import build_problem
    from judging.assignments.models import Round
    from judging.core.assignment import solve, validate

    load_demo()
    past = db.session.scalar(select(Challenge).where(Challenge.slug == "digital-sme-awards-2026"))
    screening = db.session.scalar(select(Round).where(Round.challenge_id == past.id, Round.position == 1))
    problem = build_problem(screening)

    solution = solve(problem)

    assert validate(problem, solution.pairs) == []
    assert len(solution.pairs) == 3 * len(problem.entries)
    assert all(entry.language for entry in problem.entries)


def test_demo_past_edition_has_marks_to_rank(app):
    from judging.assignments.models import Round
    from judging.demo.jury import PAST_SLUG
    from judging.results.inputs import round_standings

    load_demo()
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == PAST_SLUG))
    first = select(Round).where(Round.challenge_id == challenge.id, Round.position == 1)
    screening = db.session.scalar(first)
    standings = round_standings(screening, resamples=50)
    ranked = [entry for entry in standings.entries if entry.rank is not None]
    assert len(ranked) >= len(standings.entries) - 1
    assert any(entry.sheets == screening.judges_per_entry for entry in ranked)
    assert any(entry.sheets < screening.judges_per_entry for entry in standings.entries)  # work left to do


def test_demo_finished_edition_is_published_with_certificates(app, client):
    from judging.certificates.models import Certificate, CertificateKind
    from judging.demo.jury import PUBLISHED_SLUG

    load_demo()
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == PUBLISHED_SLUG))
    page = client.get(f"/challenges/{PUBLISHED_SLUG}/results").get_data(as_text=True)
    assert page.count("Winner") >= len(challenge.categories)
    kinds = set(db.session.scalars(select(Certificate.kind).where(Certificate.challenge_id == challenge.id)))
    assert kinds == {CertificateKind.ACHIEVEMENT, CertificateKind.PARTICIPATION, CertificateKind.JUDGE}
    code = db.session.scalar(select(Certificate.code).where(Certificate.challenge_id == challenge.id))
    assert "Valid" in client.get(f"/verify/{code}").get_data(as_text=True)
