"""A version commit as one server-side function, so a commit is one statement and one round trip.

Revision ID: 0005
Revises: 0004

The embedding goes in first, before any lock, under a version id drawn from the sequence (its foreign key is
deferred to COMMIT): the HNSW insert is the slow part of a commit and must not sit in the queue of writers.
Then one statement takes the prompt's row lock. Under READ COMMITTED the FOR UPDATE waits for a concurrent
committer and then sees its bumped counter, so numbers never repeat or skip; the UPDATE of the same row later in
the statement re-reads that newest row. Nothing is inserted for an unknown prompt (the function returns no row).
Called in autocommit mode, the statement is its own transaction: the row lock is held only while the server runs
the locked part and the COMMIT, never while a client thread waits for its interpreter.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION commit_prompt_version(
            p_name text, p_text text, p_parameters jsonb, p_author text, p_message text,
            p_model text, p_embedding vector
        ) RETURNS TABLE (version integer, parameters jsonb, created_at timestamptz)
        LANGUAGE plpgsql AS $$
        DECLARE
            new_id bigint := nextval(pg_get_serial_sequence('prompt_versions', 'id'));
        BEGIN
            INSERT INTO prompt_embeddings (version_id, model, embedding)
            SELECT new_id, p_model, p_embedding WHERE EXISTS (SELECT 1 FROM prompts WHERE name = p_name);

            RETURN QUERY
            WITH locked AS (
                SELECT p.id, p.active_version, p.latest_version + 1 AS next, p.parameters FROM prompts p
                WHERE p.name = p_name FOR UPDATE
            ), ver AS (
                INSERT INTO prompt_versions AS v (id, prompt_id, version, text, parameters, author, message)
                SELECT new_id, locked.id, locked.next, p_text, coalesce(p_parameters, locked.parameters),
                    p_author, p_message
                FROM locked
                RETURNING v.prompt_id, v.version, v.parameters, v.created_at
            ), moved AS (
                UPDATE prompts p SET latest_version = ver.version, active_version = ver.version, text = p_text,
                    parameters = ver.parameters, updated_at = now()
                FROM ver WHERE p.id = ver.prompt_id
            ), audited AS (
                INSERT INTO prompt_audit (prompt_id, action, from_version, to_version, actor, reason)
                SELECT locked.id, 'commit', locked.active_version, ver.version, p_author, p_message
                FROM locked, ver
            )
            SELECT ver.version, ver.parameters, ver.created_at FROM ver;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION commit_prompt_version")
