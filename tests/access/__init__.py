"""The route × role table, one module per domain, gathered by ``tests/test_access.py``.

Each module defines ``RULES``: a list of ``Rule``. A rule names an endpoint and a method, builds the URL
(and for POST the form data) from the fixture world, and gives the expected outcome for every role:
an HTTP status code, or ``LOGIN`` for a redirect to the sign-in page.
"""
