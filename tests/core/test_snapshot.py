"""Canonical JSON and digests: the same data always gives the same text and hash."""

from __future__ import annotations

import enum
import hashlib
from decimal import Decimal

import pytest

from judging.core.snapshot import canonical_json, decimal_text, digest


class Colour(enum.Enum):
    RED = "red"


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert canonical_json({"b": [1, 2], "a": {"y": None, "x": True}}) == '{"a":{"x":true,"y":null},"b":[1,2]}'


def test_canonical_json_same_text_whatever_the_key_order():
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_canonical_json_writes_integer_keys_as_strings():
    assert canonical_json({2: "x", 10: "y"}) == '{"10":"y","2":"x"}'


def test_canonical_json_writes_decimals_without_trailing_zeros():
    assert canonical_json([Decimal("2.000"), Decimal("0.250"), Decimal("-0.0")]) == '["2","0.25","0"]'


def test_decimal_text_has_no_exponent():
    assert decimal_text(Decimal("1E+2")) == "100"


def test_canonical_json_floats_round_trip_and_negative_zero_is_zero():
    assert canonical_json([0.1, -0.0, 3.0, 1e-7]) == "[0.1,0.0,3.0,1e-07]"


def test_canonical_json_refuses_nan_and_infinity():
    with pytest.raises(ValueError):
        canonical_json(float("nan"))
    with pytest.raises(ValueError):
        canonical_json([float("inf")])


def test_canonical_json_writes_tuples_as_lists_and_enums_as_values():
    assert canonical_json({"pair": (1, 2), "colour": Colour.RED}) == '{"colour":"red","pair":[1,2]}'


def test_canonical_json_keeps_non_ascii_text():
    assert canonical_json("Café") == '"Café"'


def test_canonical_json_refuses_unknown_types():
    with pytest.raises(TypeError):
        canonical_json(object())


def test_digest_is_sha256_of_canonical_utf8():
    data = {"é": [1, Decimal("1.50")]}
    assert digest(data) == hashlib.sha256('{"é":[1,"1.5"]}'.encode()).hexdigest()
    assert len(digest(data)) == 64


def test_digest_differs_when_a_value_changes():
    assert digest({"marks": {"1": 4}}) != digest({"marks": {"1": 5}})
