"""round name translations: the names of judging rounds in the other languages, like the texts of
challenges, categories, entry questions and criteria

Revision ID: a7d4e2c9b8f1
Revises: f3a9c6e2d1b7
Create Date: 2026-12-06 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d4e2c9b8f1"
down_revision = "f3a9c6e2d1b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("translations")
