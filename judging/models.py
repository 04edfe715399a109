"""Imports every model so that the metadata (and Alembic) sees all tables."""

from judging.accounts.models import Organisation, OrganisationInvitation, User
from judging.audit import AuditEvent
from judging.challenges.models import Category, Challenge, EntryQuestion
from judging.submissions.models import Answer, Deck, Submission

__all__ = [
    "Answer",
    "AuditEvent",
    "Category",
    "Challenge",
    "Deck",
    "EntryQuestion",
    "Organisation",
    "OrganisationInvitation",
    "Submission",
    "User",
]
