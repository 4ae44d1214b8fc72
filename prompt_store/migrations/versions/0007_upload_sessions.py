"""Upload sessions: the resumable upload of a video in progress, saved before its first byte is sent.

A rerun asks this session (a finished upload answers with its video) instead of uploading a second copy. The row
is deleted in the transaction that records the publication, so a session URI does not outlive its upload.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE upload_sessions (
            target varchar(32) NOT NULL,
            video_sha256 char(64) NOT NULL CHECK (video_sha256 ~ '^[0-9a-f]{64}$'),
            session_uri text NOT NULL,
            total_bytes bigint NOT NULL CHECK (total_bytes >= 0),
            acknowledged_bytes bigint NOT NULL DEFAULT 0 CHECK (acknowledged_bytes BETWEEN 0 AND total_bytes),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (target, video_sha256)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE upload_sessions")
