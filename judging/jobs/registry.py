"""The kinds of background job: each names its task function by import path, and how pages describe it.

A task is a module-level function ``task(run: Run) -> dict | None`` (see ``judging.jobs.runner.Run``). It is
named by ``"module:function"`` rather than imported here, so this package depends on no domain and any
process (a web worker, an RQ worker) finds the function the same way. ``link`` optionally names a view
function ``link(job) -> str | None`` giving the page that shows the job's outcome in its domain, and
``details`` a function ``details(jobs) -> dict[job id, str]`` saying what each job is about (which mail, to
whom), for many jobs at once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    task: str
    label: Any  # a lazy translated string
    link: str | None = None
    quick: bool = False  # seconds of work someone waits for (a mail): its own lane, never behind long jobs
    details: str | None = None


KINDS: dict[str, Kind] = {
    "certificates.build": Kind(
        "judging.certificates.builds:build_task",
        _l("ZIP of all certificates"),
        "judging.certificates.builds:build_link",
    ),
    "scoring.reminders": Kind(
        "judging.scoring.reminders:reminders_task",
        _l("Reminders to judges"),
        "judging.scoring.reminders:round_link",
    ),
    "mail": Kind("judging.mail:mail_task", _l("Mail"), quick=True, details="judging.mail:job_details"),
    "results.release": Kind(
        "judging.results.release_jobs:release_task",
        _l("Telling entrants whether they go through"),
        "judging.results.release_jobs:advance_link",
    ),
}


def kind_of(name: str) -> Kind:
    """The registered kind; ``KeyError`` for an unknown one."""
    return KINDS[name]


def resolve(path: str) -> Callable[..., Any]:
    """The function named ``"package.module:function"``."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def is_quick(name: str) -> bool:
    kind = KINDS.get(name)
    return kind is not None and kind.quick


def task_for(name: str) -> Callable[..., Any]:
    return resolve(kind_of(name).task)


def label_for(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.label) if kind is not None else name


def link_for(job: Any) -> str | None:
    kind = KINDS.get(job.kind)
    return resolve(kind.link)(job) if kind is not None and kind.link else None


def details_for(jobs: list[Any]) -> dict[int, str]:
    """What each job is about, by job id, where its kind says (see ``Kind.details``)."""
    by_kind: dict[str, list[Any]] = {}
    for job in jobs:
        by_kind.setdefault(job.kind, []).append(job)
    details: dict[int, str] = {}
    for name, of_kind in by_kind.items():
        kind = KINDS.get(name)
        if kind is not None and kind.details:
            details.update(resolve(kind.details)(of_kind))
    return details
