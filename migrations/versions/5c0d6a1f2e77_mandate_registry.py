"""mandate registry

Revision ID: 5c0d6a1f2e77
Revises: 11d913f36742
Create Date: 2026-11-29 04:30:00

``mandates``: one row per ask of an operative paragraph of an adopted text (derived by
``flask refresh-mandates`` and the seed from the stored paragraphs), with its delivery (status,
report symbol, date, note), the only part people edit.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0d6a1f2e77'
down_revision = '11d913f36742'
branch_labels = None
depends_on = None

ADDRESSEE_KINDS = ("secretary-general", "un-entity", "states", "other")
ACTION_KINDS = (
    "report", "convene", "establish", "include", "continue", "ratify", "legislate",
    "cooperate", "protect", "fund", "other",
)
DEADLINE_KINDS = ("session", "date", "year", "periodic", "none")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table('mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('clause', sa.Integer(), nullable=False),
    sa.Column('verb', sa.String(length=60), nullable=False),
    sa.Column('addressee', sa.String(length=500), nullable=False),
    sa.Column('addressee_kind', sa.String(length=20), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('action_kind', sa.String(length=20), nullable=False),
    sa.Column('deadline', sa.String(length=200), nullable=False),
    sa.Column('deadline_kind', sa.String(length=20), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('due_precision', sa.String(length=10), nullable=False),
    sa.Column('session', sa.Integer(), nullable=True),
    sa.Column('review', sa.Boolean(), nullable=False),
    sa.Column('binding', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('delivered_symbol', sa.String(length=100), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(_in('status', ('active', 'delivered')), name='ck_mandates_status'),
    sa.CheckConstraint(_in('addressee_kind', ADDRESSEE_KINDS), name='ck_mandates_addressee_kind'),
    sa.CheckConstraint(_in('action_kind', ACTION_KINDS), name='ck_mandates_action_kind'),
    sa.CheckConstraint(_in('deadline_kind', DEADLINE_KINDS), name='ck_mandates_deadline_kind'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['paragraphs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.create_index('ix_mandates_addressee_kind', ['addressee_kind'], unique=False)
        batch_op.create_index('ix_mandates_due', ['binding', 'due'], unique=False)
        batch_op.create_index('ix_mandates_paragraph_clause', ['paragraph_id', 'clause'], unique=True)
        batch_op.create_index('ix_mandates_version_id', ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_index('ix_mandates_version_id')
        batch_op.drop_index('ix_mandates_paragraph_clause')
        batch_op.drop_index('ix_mandates_due')
        batch_op.drop_index('ix_mandates_addressee_kind')
    op.drop_table('mandates')
