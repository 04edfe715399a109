"""Placeholder: replaced by the demo programme loader."""

DEMO_PASSWORD = "demo password 2026"  # noqa: S105 (printed for the public demo)


def load_demo():
    raise NotImplementedError
