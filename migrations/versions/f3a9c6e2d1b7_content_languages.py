"""content languages: the language a challenge is written in, its certificates' language, and
translations of the texts of challenges, categories, entry questions and criteria

Revision ID: f3a9c6e2d1b7
Revises: e8b2d5f1a6c0
Create Date: 2026-12-06 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3a9c6e2d1b7"
down_revision = "e8b2d5f1a6c0"
branch_labels = None
depends_on = None

TRANSLATED = ("categories", "entry_questions", "criteria")


def upgrade():
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_language", sa.String(length=8), server_default="en", nullable=False)
        )
        batch_op.add_column(sa.Column("certificate_language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    for table in reversed(TRANSLATED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("certificate_language")
        batch_op.drop_column("content_language")
