"""sessions, token lifetimes and login attempts

Revision ID: 4afff125daad
Revises: e33c1153003f
Create Date: 2026-11-29 01:17:42.062548

users.session_version (ends old session cookies), api_tokens.name/expires_at/revoked_at,
and the login_attempts table of the login throttle.

``users`` is altered in place (``recreate="never"``), never copied and dropped: on SQLite,
with foreign keys on, dropping ``users`` would cascade-delete every API token, null the
audit log's users and be refused by documents/versions/positions that name a user.
SQLite adds and (since 3.35) drops a plain column with ALTER TABLE.
"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4afff125daad'
down_revision = 'e33c1153003f'
branch_labels = None
depends_on = None

#: Tokens issued before they had a lifetime get the default one (API_TOKEN_DAYS), counted
#: from the upgrade, so no client is cut off by the deploy itself.
EXISTING_TOKEN_DAYS = 90


def upgrade():
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('remote_addr', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.CheckConstraint("outcome IN ('success', 'failure', 'refused')", name='ck_login_attempts_outcome'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempts_at'), ['at'], unique=False)
        batch_op.create_index('ix_login_attempts_remote_addr_at', ['remote_addr', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'at'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))
    expires = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(
        days=EXISTING_TOKEN_DAYS
    )
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime()))
    op.execute(tokens.update().values(expires_at=expires))
    # Nothing refers to api_tokens, so SQLite may rebuild it to add NOT NULL.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_username_at')
        batch_op.drop_index('ix_login_attempts_remote_addr_at')
        batch_op.drop_index(batch_op.f('ix_login_attempts_at'))

    op.drop_table('login_attempts')
