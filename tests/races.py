"""Sending the same request from many browsers at the same moment, for the tests of concurrent duplicates."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask.testing import FlaskClient

from judging.extensions import db

COPIES = 20


def race(app, path: str, *, session: dict[str, Any] | None = None, data: dict | None = None) -> list:
    """Send the same request COPIES times at once; the responses (or the exceptions raised), in order.

    Each thread has its own client, whose session starts with ``session`` (e.g. a signed-in user), and so
    its own application context and database session per request; the test's own context stays in the
    main thread. A barrier releases the requests together, so they really overlap.
    """
    db.session.remove()  # the main thread holds no transaction or connection during the race
    barrier = threading.Barrier(COPIES, timeout=30)
    outcomes: list = [None] * COPIES

    def send(index: int) -> None:
        client = FlaskClient(app, app.response_class, use_cookies=True)
        if session:
            with client.session_transaction() as stored:
                stored.update(session)
        try:
            barrier.wait()
            response = client.get(path) if data is None else client.post(path, data=data)
            outcomes[index] = (response.status_code, response.get_data(as_text=True))
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[index] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [t for t in threads if t.is_alive()], "a request never finished"
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    return outcomes


def statuses(outcomes: list) -> Counter:
    return Counter(status for status, _body in outcomes)
