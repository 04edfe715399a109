"""Canonical JSON and its digest: the fingerprint of what a results publication was computed from.

Pure: plain values in, text out. The same data always gives the same text, whatever the order of dict
keys, so a hash taken at publication can be recomputed later from the published audit file.

Rules: dict keys become strings and are sorted; tuples, lists and sets become lists (sets sorted); no
whitespace; non-ASCII kept as UTF-8. A ``Decimal`` becomes a string of its fixed-point value without
trailing zeros (``Decimal("2.500")`` -> ``"2.5"``), so a weight reads the same whether the database gave
``2.500`` or ``2.5``. Floats use Python's shortest round-trip form (``-0.0`` is written as ``0.0``);
NaN and infinities are refused with ``ValueError``, as JSON has no such numbers. Enums become their value.
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from decimal import Decimal
from typing import Any


def decimal_text(value: Decimal) -> str:
    """A Decimal as a fixed-point string without trailing zeros: 2.000 -> "2", 0.250 -> "0.25"."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _plain(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | str | int) and not isinstance(obj, enum.Enum):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"not a finite number: {obj}")
        return 0.0 if obj == 0 else obj
    if isinstance(obj, Decimal):
        return decimal_text(obj)
    if isinstance(obj, enum.Enum):
        return _plain(obj.value)
    if isinstance(obj, dict):
        return {str(_plain(key)): _plain(value) for key, value in obj.items()}
    if isinstance(obj, set | frozenset):
        return sorted((_plain(item) for item in obj), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(obj, list | tuple):
        return [_plain(item) for item in obj]
    raise TypeError(f"cannot write {type(obj).__name__} as canonical JSON")


def canonical_json(obj: Any) -> str:
    """``obj`` as canonical JSON text (sorted keys, no whitespace; see the module docstring)."""
    return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest(obj: Any) -> str:
    """The SHA-256 (hex) of ``obj``'s canonical JSON in UTF-8."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()
