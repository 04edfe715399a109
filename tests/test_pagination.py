"""Pages of long lists: which rows a page holds, which page links show, and links that keep the query."""

from __future__ import annotations

from judging.pagination import paginate


def test_page_numbers_show_the_ends_and_the_neighbours_with_gaps():
    page = paginate(2000, 5, per_page=200)

    assert page.numbers() == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert (page.first, page.last) == (801, 1000)


def test_page_number_past_the_end_is_the_last_page_and_below_one_the_first():
    assert paginate(450, 99).number == 3
    assert paginate(450, 0).number == 1
    assert paginate(0, 4).number == 1


def test_page_of_an_empty_list_shows_nothing():
    page = paginate(0, 1)

    assert (page.pages, page.first, page.last) == (1, 0, 0)
    assert page.numbers() == [1]


def test_page_url_keeps_every_other_query_argument(app):
    with app.test_request_context("/manage/sme-awards/entries?category=3&country=KE&country=PE&page=2"):
        page = paginate(1000, 2)

        assert page.url(3) == "/manage/sme-awards/entries?category=3&country=KE&country=PE&page=3"
        assert page.url(1) == "/manage/sme-awards/entries?category=3&country=KE&country=PE"
