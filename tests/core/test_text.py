"""Word counts, organisation-name folding, spreadsheet-safe cells and slugs."""

from __future__ import annotations

import pytest

from judging.core.text import neutralise_cell, normalise_name, slugify, word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, 0),
        ("", 0),
        ("   \n ", 0),
        ("We connect rural clinics.", 4),
        ("state-of-the-art solar mesh", 3),
        ("don't stop — it's 2025!", 4),
        ("Une solution très économique", 4),
        ("Решение для малого бизнеса", 4),
        ("حل رقمي للشركات الصغيرة", 4),
    ],
)
def test_word_count_spaced_scripts_count_by_word(text, words):
    assert word_count(text) == words


def test_word_count_chinese_counts_each_character():
    assert word_count("我们的产品很好") == 7


def test_word_count_japanese_kana_and_kanji_count_each_character():
    assert word_count("日本語のテキスト") == 8


def test_word_count_mixed_latin_and_cjk_token():
    assert word_count("AI平台 works") == 4  # "AI", "平", "台", "works"


def test_word_count_korean_counts_space_separated_words():
    assert word_count("안녕하세요 세계") == 2


def test_word_count_cjk_punctuation_is_not_a_word():
    assert word_count("你好。世界！") == 4


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Alpha Mesh Ltd", "alpha mesh"),
        ("ALPHA MESH LIMITED", "alpha mesh"),
        ("Alpha-Mesh, Ltd.", "alpha mesh"),
        ("Société Générale S.A.", "societe generale"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Tech Solutions Pte. Ltd.", "tech solutions"),
        ("Kenya Agri Co., Ltd.", "kenya agri"),
        ("Ñandú Tecnología S.A.C.", "nandu tecnologia"),
        ("Straße Digital AG", "strasse digital"),
        ("U.S.A. Robotics Inc", "usa robotics"),
    ],
)
def test_normalise_name_ignores_case_accents_punctuation_and_legal_suffixes(name, folded):
    assert normalise_name(name) == folded


def test_normalise_name_keeps_a_name_made_only_of_a_suffix():
    assert normalise_name("Limited") == "limited"


def test_normalise_name_keeps_suffix_words_inside_the_name():
    assert normalise_name("Co Creation Lab") == "co creation lab"


def test_normalise_name_non_latin_names_fold_case_only():
    assert normalise_name("Ромашка ООО") == "ромашка"
    assert normalise_name("株式会社テック") == "株式会社テック"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rcmd", "'\rcmd"),
    ],
)
def test_neutralise_cell_formula_starts_get_a_quote(value, cell):
    assert neutralise_cell(value) == cell


@pytest.mark.parametrize(
    ("value", "cell"), [("Alpha Mesh", "Alpha Mesh"), ("a=b", "a=b"), (None, ""), (42, "42")]
)
def test_neutralise_cell_plain_values_unchanged(value, cell):
    assert neutralise_cell(value) == cell


def test_slugify_latin_title_with_accents_and_punctuation():
    assert slugify("Prix de l'Innovation Numérique 2027!") == "prix-de-l-innovation-numerique-2027"


def test_slugify_non_latin_title_gives_nothing_so_the_organiser_types_one():
    assert slugify("数字创新奖") == ""
    assert slugify("Премия за инновации") == ""


def test_slugify_mixed_title_keeps_the_latin_part():
    assert slugify("Премия SME 2027") == "sme-2027"


def test_slugify_cuts_at_the_limit_without_a_trailing_hyphen():
    slug = slugify("Digital SME Awards for Connectivity and E-health", max_length=20)
    assert slug == "digital-sme-awards-f"
    assert slugify("abc def", max_length=4) == "abc"
