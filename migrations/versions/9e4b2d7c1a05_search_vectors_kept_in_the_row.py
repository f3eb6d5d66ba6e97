"""search vectors kept in the row (PostgreSQL only)

Revision ID: 9e4b2d7c1a05
Revises: 5c0d6a1f2e77
Create Date: 2026-11-29 07:10:00

The PostgreSQL search re-reads a matching paragraph's ``search_vector`` (to rank it, and to
re-check a word that must be in the text) and ``exact_vector`` (to re-check a quoted phrase)
from the table. With PostgreSQL's defaults a row over about 2 kB has its largest values
compressed or moved out of line into the TOAST table, and an average paragraph's row (text,
both vectors) is just over that: most ``exact_vector`` values and many ``search_vector``
values were out of line, so each re-check was an extra index look-up and a decompression.

- ``toast_tuple_target = 8160`` (the largest allowed): a row is compressed or moved out of
  line only when it would not fit on an 8 kB page by itself, so the vectors of all but
  very long paragraphs stay in the row, uncompressed;
- ``SET STORAGE MAIN`` on both vectors: for those very long paragraphs, the text goes out
  of line first (it is read for the page's ten hits only) and a vector is kept in the row,
  compressed, while it fits.

The rows already stored are rewritten once (``UPDATE paragraphs SET text = text``: the
generated columns are computed afresh and stored the new way), which takes about as long
as loading them did and leaves the old row versions to autovacuum. SQLite: nothing to do.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9e4b2d7c1a05'
down_revision = '5c0d6a1f2e77'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE paragraphs SET (toast_tuple_target = 8160)")
    op.execute(
        "ALTER TABLE paragraphs ALTER COLUMN search_vector SET STORAGE MAIN, "
        "ALTER COLUMN exact_vector SET STORAGE MAIN"
    )
    op.execute("UPDATE paragraphs SET text = text")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE paragraphs ALTER COLUMN search_vector SET STORAGE EXTENDED, "
        "ALTER COLUMN exact_vector SET STORAGE EXTENDED"
    )
    op.execute("ALTER TABLE paragraphs RESET (toast_tuple_target)")
