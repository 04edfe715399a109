"""Every marked string is translated in every interface language, with its placeholders intact.

The messages are extracted from the source as the test runs (the same mapping as ``make messages``),
so a string marked for translation but missing from a catalogue fails here, not in front of a reader.
English is the source language: its catalogue may leave a message untranslated (the message is the
English text).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from judging.config import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "judging" / "translations"
SOURCE_LANGUAGE = "en"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdf]|\{\w*\}")


@cache
def extracted() -> dict[tuple[str | None, str], str | None]:
    """(context, msgid) -> msgid_plural (None when singular) of every marked string in the source."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    messages: dict[tuple[str | None, str], str | None] = {}
    for _filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            messages[context, message[0]] = message[1]
        else:
            messages.setdefault((context, message), None)
    return messages


@cache
def catalogue(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def placeholders(text: str) -> set[str]:
    return {match.group(1) or match.group(0) for match in PLACEHOLDER.finditer(text)}


def key(message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def test_the_six_un_languages_are_offered():
    assert set(LANGUAGES) == {"ar", "zh", "en", "fr", "ru", "es"}


def test_extraction_finds_the_marked_strings():
    messages = extracted()
    assert len(messages) > 1000
    assert (None, "Sign in") in messages
    assert ("kind of programme", "Award") in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_every_marked_string(language):
    held = {key(message) for message in catalogue(language) if message.id}
    missing = sorted(set(extracted()) - held)
    assert not missing, (
        f"{len(missing)} marked strings missing from {language} (run make messages): {missing[:20]}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated(language):
    wanted = extracted()
    untranslated = []
    for message in catalogue(language):
        if not message.id:
            continue
        if key(message) not in wanted:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(form and form.strip() for form in forms):
            untranslated.append(key(message))
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:20]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_match_the_language(language):
    held = catalogue(language)
    expected = get_plural(language).num_plurals
    assert held.num_plurals == expected
    short = [
        key(message)
        for message in held
        if message.id and isinstance(message.id, tuple) and len(message.string) != expected
    ]
    assert not short, f"plural messages without {expected} forms in {language}: {short[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        if isinstance(message.id, str):
            if message.string and placeholders(message.string) != placeholders(message.id):
                wrong.append((message.id, message.string))
            continue
        allowed = placeholders(message.id[0]) | placeholders(message.id[1])
        forms = [form for form in message.string if form]
        used = set().union(*(placeholders(form) for form in forms)) if forms else set()
        # A form may leave out the number where the language says it in words ("one", "two"), but no
        # form may bring a placeholder of its own, and together they use every one the English uses.
        if used - allowed or (forms and allowed - used):
            wrong.append((key(message), message.string))
    assert not wrong, f"{len(wrong)} translations with other placeholders in {language}: {wrong[:10]}"


def test_the_placeholder_check_sees_a_dropped_name():
    assert placeholders("Hello %(name)s, {count} left") == {"name", "{count}"}
    assert placeholders("Bonjour, {count} restants") != placeholders("Hello %(name)s, {count} left")
