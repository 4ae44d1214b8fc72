"""Per-user API tokens: only the SHA-256 of each token is stored, never the token.

Revision ID: 0006
Revises: 0005

A revoked user keeps their row (their user prompts point at it) with no token hash, so no token matches.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE users
            ADD COLUMN token_sha256 char(64) CONSTRAINT uq_users_token_sha256 UNIQUE,
            ADD COLUMN token_created_at timestamptz,
            ADD COLUMN revoked_at timestamptz;
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN token_sha256, DROP COLUMN token_created_at, DROP COLUMN revoked_at")
