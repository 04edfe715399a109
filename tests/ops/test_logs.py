"""Request ids and structured logs: the id a response carries is the one on every record logged for it."""

from __future__ import annotations

import json
import logging
import re

from judging import create_app
from judging.logs import REQUEST_ID_HEADER


def test_request_id_is_made_when_the_proxy_gives_none(client):
    first = client.get("/healthz").headers[REQUEST_ID_HEADER]
    second = client.get("/healthz").headers[REQUEST_ID_HEADER]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "lb-7f3a.91_x"})

    assert response.headers[REQUEST_ID_HEADER] == "lb-7f3a.91_x"


def test_request_id_that_does_not_look_like_one_is_replaced(client):
    for offered in ("has space", "x" * 65, 'quote"d', "é"):
        answered = client.get("/healthz", headers={REQUEST_ID_HEADER: offered}).headers[REQUEST_ID_HEADER]

        assert re.fullmatch(r"[0-9a-f]{32}", answered), offered


def _app(tmp_path, log_format: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
            "LOG_FORMAT": log_format,
            "LOG_LEVEL": "INFO",
        }
    )


def test_json_logs_one_object_per_record_with_request_id_and_extra_fields(tmp_path, capsys):
    app = _app(tmp_path, "json")

    with app.test_request_context(headers={REQUEST_ID_HEADER: "req-42"}):
        logging.getLogger("judging.scoring").warning("sheet saved twice", extra={"sheet_id": 7})
    with app.app_context():
        logging.getLogger("judging.jobs").info("job finished")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["level"], line["logger"], line["message"], line["request_id"]) for line in lines] == [
        ("WARNING", "judging.scoring", "sheet saved twice", "req-42"),
        ("INFO", "judging.jobs", "job finished", "-"),
    ]
    assert lines[0]["sheet_id"] == 7
    assert "time" in lines[0]


def test_text_logs_name_the_request(tmp_path, capsys):
    app = _app(tmp_path, "text")

    with app.test_request_context(headers={REQUEST_ID_HEADER: "req-43"}):
        logging.getLogger("judging.accounts").warning("too many sign-ins")

    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("WARNING judging.accounts [req-43]: too many sign-ins")


def test_creating_the_app_again_does_not_write_each_record_twice(tmp_path, capsys):
    _app(tmp_path, "text")
    app = _app(tmp_path, "text")

    with app.app_context():
        logging.getLogger("judging").warning("once")

    assert len(capsys.readouterr().err.splitlines()) == 1
