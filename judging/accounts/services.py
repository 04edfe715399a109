"""Placeholder: replaced by the account services."""


def create_administrator(*, email: str, name: str, password: str):
    raise NotImplementedError
