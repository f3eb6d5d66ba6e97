"""upload stash and PostgreSQL full-text columns

Revision ID: 7154102feab9
Revises: 4afff125daad
Create Date: 2026-11-29 03:45:30.528743

``upload_stash`` holds previewed uploads in the database, so a preview made on one app server
can be saved on another (it was a folder on one node's disk).

On PostgreSQL only, ``paragraphs`` gains two generated ``tsvector`` columns for the
PostgreSQL search backend, each with a GIN index. Being generated, they are maintained by the
database in the same transaction as the paragraph itself, so that backend needs no outbox:

- ``search_vector``: English configuration (stemmed, stop words dropped), weighted: the text
  'A', the heading and number 'B';
- ``exact_vector``: the 'simple' configuration (every word, unstemmed, with positions), for
  quoted phrases that must match word for word, stop words included ("of the Protocol").

SQLite has no tsvector; there the Whoosh backend (or FTS5 in benchmarks) does the work.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7154102feab9'
down_revision = '4afff125daad'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('upload_stash',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('upload_stash', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_stash_created_at'), ['created_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE paragraphs ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'A') || "
            "setweight(to_tsvector('english'::regconfig, "
            "coalesce(heading, '') || ' ' || coalesce(number, '')), 'B')) STORED"
        )
        op.execute(
            "ALTER TABLE paragraphs ADD COLUMN exact_vector tsvector GENERATED ALWAYS AS ("
            "to_tsvector('simple'::regconfig, coalesce(text, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_paragraphs_search_vector ON paragraphs USING gin (search_vector)")
        op.execute("CREATE INDEX ix_paragraphs_exact_vector ON paragraphs USING gin (exact_vector)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_paragraphs_exact_vector")
        op.execute("DROP INDEX IF EXISTS ix_paragraphs_search_vector")
        op.execute("ALTER TABLE paragraphs DROP COLUMN IF EXISTS exact_vector")
        op.execute("ALTER TABLE paragraphs DROP COLUMN IF EXISTS search_vector")
    with op.batch_alter_table('upload_stash', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_stash_created_at'))

    op.drop_table('upload_stash')
