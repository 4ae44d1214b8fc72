"""Core tables: users, prompts, immutable versions, append-only audit.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = """
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    username varchar(100) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prompts (
    id bigserial PRIMARY KEY,
    type varchar(16) NOT NULL CONSTRAINT ck_prompts_type
        CHECK (type IN ('system', 'template', 'tool', 'user')),
    name varchar(100) NOT NULL UNIQUE,
    text text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    tags jsonb NOT NULL DEFAULT '[]',
    active_version integer NOT NULL CHECK (active_version >= 1),
    latest_version integer NOT NULL CHECK (latest_version >= active_version),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_prompts_tags ON prompts USING gin (tags jsonb_path_ops);

CREATE TABLE prompt_versions (
    id bigserial PRIMARY KEY,
    prompt_id bigint NOT NULL REFERENCES prompts (id),
    version integer NOT NULL CHECK (version >= 1),
    text text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    author varchar(100) NOT NULL,
    message text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    CONSTRAINT uq_prompt_versions_prompt_version UNIQUE (prompt_id, version)
);
CREATE INDEX ix_prompt_versions_tsv ON prompt_versions USING gin (tsv);

CREATE TABLE prompt_audit (
    id bigserial PRIMARY KEY,
    prompt_id bigint NOT NULL REFERENCES prompts (id),
    action varchar(16) NOT NULL,
    from_version integer,
    to_version integer NOT NULL,
    actor varchar(100) NOT NULL,
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_prompt_audit_prompt ON prompt_audit (prompt_id, id);
"""

_IMMUTABILITY = """
CREATE FUNCTION prompt_store_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: its rows are immutable', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

_GUARDED = ("prompt_versions", "prompt_audit")


def upgrade() -> None:
    op.execute(_TABLES)
    op.execute(_IMMUTABILITY)
    for table in _GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION prompt_store_reject_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION prompt_store_reject_change()"
        )


def downgrade() -> None:
    op.execute("DROP TABLE prompt_audit, prompt_versions, prompts, users")
    op.execute("DROP FUNCTION prompt_store_reject_change()")
