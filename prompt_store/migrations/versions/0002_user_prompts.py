"""User prompts (queue status) and lineage: which prompt versions a run used and what it produced.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE user_prompts (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            text text NOT NULL,
            language varchar(35),
            metadata jsonb NOT NULL DEFAULT '{}',
            status varchar(16) NOT NULL DEFAULT 'recorded' CONSTRAINT ck_user_prompts_status
                CHECK (status IN ('recorded', 'queued', 'running', 'done', 'failed')),
            flow_run_id varchar(64),
            video_path text,
            publication_url text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX ix_user_prompts_queued ON user_prompts (id) WHERE status = 'queued';
        CREATE INDEX ix_user_prompts_flow_run ON user_prompts (flow_run_id);
        CREATE INDEX ix_user_prompts_video ON user_prompts (video_path);

        CREATE TABLE run_prompt_versions (
            user_prompt_id bigint NOT NULL REFERENCES user_prompts (id),
            version_id bigint NOT NULL REFERENCES prompt_versions (id),
            PRIMARY KEY (user_prompt_id, version_id)
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE run_prompt_versions, user_prompts")
