"""Publications: one row per (target, video content hash), so a video is never published twice.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE publications (
            id bigserial PRIMARY KEY,
            target varchar(32) NOT NULL,
            video_sha256 char(64) NOT NULL CHECK (video_sha256 ~ '^[0-9a-f]{64}$'),
            external_id varchar(200) NOT NULL,
            url text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT uq_publications_target_video UNIQUE (target, video_sha256)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE publications")
