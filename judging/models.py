"""Imports every model so that the metadata (and Alembic) sees all tables."""

from judging.accounts.models import Organisation, OrganisationInvitation, User
from judging.assignments.models import Assignment, Conflict, Judge, Round, RoundEntry
from judging.audit import AuditEvent
from judging.certificates.models import Certificate, CertificateBuild, CertificateDesign
from judging.challenges.models import Category, Challenge, EntryQuestion
from judging.jobs.models import Job
from judging.results.models import Decision, ResultsSnapshot
from judging.scoring.models import Criterion, Reminder, Score, ScoreSheet
from judging.submissions.models import Answer, Deck, Submission

__all__ = [
    "Answer",
    "Assignment",
    "Conflict",
    "Criterion",
    "Judge",
    "Round",
    "RoundEntry",
    "Score",
    "ScoreSheet",
    "AuditEvent",
    "Category",
    "Certificate",
    "CertificateBuild",
    "CertificateDesign",
    "Challenge",
    "Deck",
    "Decision",
    "EntryQuestion",
    "Job",
    "Organisation",
    "Reminder",
    "ResultsSnapshot",
    "OrganisationInvitation",
    "Submission",
    "User",
]
