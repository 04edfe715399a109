"""Small text rules shared by forms, services and exports."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_LEGAL_SUFFIXES = {
    "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "gmbh",
    "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "pty", "pvt", "private", "oy", "ab",
    "as", "kk", "llp", "lp", "sl", "ooo", "kg", "pte", "sdn", "bhd", "ltda", "sac", "se",
    "ооо", "зао", "оао", "пао",
}  # fmt: skip
_DOTTED_ABBREVIATION = re.compile(r"(?<!\w)(?:\w\.){2,}")  # "s.a.", "s.a.s.", "u.s.a."
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def word_count(text: str | None) -> int:
    """Words in ``text``; a Chinese or Japanese character counts as one word each.

    Korean separates words with spaces, so Hangul is counted like Latin script, by space-separated word.
    """
    if not text:
        return 0
    count = 0
    for token in _WORD.findall(text):
        cjk = sum(1 for ch in token if _is_cjk(ch))
        count += cjk + (1 if cjk < len(token) else 0)
    return count


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
    )


def normalise_name(name: str) -> str:
    """An organisation name folded for comparison: case, accents, punctuation and legal suffixes ignored."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _DOTTED_ABBREVIATION.sub(lambda match: match.group(0).replace(".", "") + " ", folded)
    words = re.findall(r"\w+", folded)
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def neutralise_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def slugify(text: str, max_length: int = 60) -> str:
    """A URL slug of lowercase ASCII letters, digits and hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:max_length].strip("-")
