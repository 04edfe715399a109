"""Shortlisting and decision rules on computed standings: who goes through, and how many winners.

Pure: plain values in and out (no Flask, SQLAlchemy or I/O). Works on ``judging.core.ranking.Standings``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from judging.core.ranking import EntryStanding, Standings

WINNER = "winner"  # the value of ``Outcome.WINNER``
RUNNER_UP = "runner_up"
FINALIST = "finalist"
NOT_SELECTED = "not_selected"
_EPS = 1e-9


def top_per_category(standings: Standings, n: int) -> set[int]:
    """Entry ids ranked ``n`` or better in their category.

    Entries sharing the rank at the cut-off all go through (ranks 1, 2, 2 with n = 2 give three
    entries): standings already broke the ties they could, and dropping one of two equal entries would
    be arbitrary. Entries without a score (no rank) never go through. ``n`` below 1 selects nothing.
    """
    return {
        standing.entry for standing in standings.entries if standing.rank is not None and standing.rank <= n
    }


def above_threshold(standings: Standings, minimum: float) -> set[int]:
    """Entry ids whose score is at least ``minimum`` (compared as shown: rounded to three decimals)."""
    return {
        standing.entry
        for standing in standings.entries
        if standing.score is not None and round(standing.score, 3) >= minimum - _EPS
    }


def check_decisions(
    outcomes: Mapping[int, str], categories: Mapping[int, int], *, winners_per_category: int
) -> dict[int, int]:
    """Category id -> number of winners, for every category with more winners than allowed.

    ``outcomes`` maps entry id -> outcome value (``"winner"``...); ``categories`` maps entry id ->
    category id. Entries missing from ``categories`` raise ``KeyError`` (the caller checks membership).
    An empty result means the decisions respect the limit.
    """
    winners = Counter(categories[entry] for entry, outcome in outcomes.items() if outcome == WINNER)
    return {category: count for category, count in winners.items() if count > winners_per_category}


def suggest_outcomes(standings: Iterable[EntryStanding], finalists: int) -> dict[int, str]:
    """A starting point for the decisions, from entries' standings: entry id -> outcome value.

    Rank 1 -> winner, rank 2 -> runner-up, ranks up to ``finalists`` -> finalist, every other entry
    (those without a rank too) -> not selected. Equal entries share a rank, so they get the same
    suggestion; the organisers decide from there.
    """
    suggested: dict[int, str] = {}
    for standing in standings:
        rank = standing.rank
        if rank == 1:
            suggested[standing.entry] = WINNER
        elif rank == 2:
            suggested[standing.entry] = RUNNER_UP
        elif rank is not None and rank <= finalists:
            suggested[standing.entry] = FINALIST
        else:
            suggested[standing.entry] = NOT_SELECTED
    return suggested
