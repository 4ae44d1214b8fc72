"""Deleting a label (audited), and prompt-name matching that always uses the trigram index.

Revision ID: 0010
Revises: 0009

- `delete_prompt_label`: removes a label under the prompt's row lock with an `unlabel` audit row (from_version and
  to_version are the version the label pointed at). `production` cannot be deleted: it is the active version.
  SECURITY DEFINER like the other writers (migration 0008): the runtime role cannot DELETE from prompt_labels.
- `prompt_name_matches`: the name arm of hybrid search. With a literal query the planner costs `name %> 'q'` over
  ~1000 prompts as a cheap sequential scan, but word_similarity on every name takes ~2 ms where the GIN trigram
  index (migration 0009) takes ~0.1 ms. A function's own `SET enable_seqscan = off` steers just this lookup
  (a plain SECURITY INVOKER function: no privilege beyond the caller's).
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_DELETE = """
CREATE FUNCTION delete_prompt_label(p_name text, p_label text, p_actor text, p_reason text)
RETURNS TABLE (from_version integer, created_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    pid bigint;
    previous integer;
    stamp timestamptz;
BEGIN
    IF p_label = 'production' THEN
        RAISE EXCEPTION 'production cannot be deleted: it is the active version' USING ERRCODE = 'PS400';
    END IF;
    SELECT id INTO pid FROM prompts WHERE name = p_name FOR UPDATE;
    IF pid IS NULL THEN
        RAISE EXCEPTION 'prompt % not found', p_name USING ERRCODE = 'PS404';
    END IF;
    DELETE FROM prompt_labels WHERE prompt_id = pid AND label = p_label RETURNING version INTO previous;
    IF previous IS NULL THEN
        RAISE EXCEPTION '% has no label %', p_name, p_label USING ERRCODE = 'PS406';
    END IF;
    INSERT INTO prompt_audit (prompt_id, action, label, from_version, to_version, actor, reason)
    VALUES (pid, 'unlabel', p_label, previous, previous, p_actor, p_reason)
    RETURNING created_at INTO stamp;
    RETURN QUERY SELECT previous, stamp;
END
$$
"""

_NAMES = """
CREATE FUNCTION prompt_name_matches(p_query text, p_k integer, p_type text, p_tags jsonb)
RETURNS TABLE (prompt_id bigint, score real)
LANGUAGE sql STABLE SET enable_seqscan = off SET search_path = public, pg_temp AS $$
    SELECT p.id, word_similarity(p_query, p.name) AS score
    FROM prompts p
    WHERE p.name %> p_query AND (p_type IS NULL OR p.type = p_type) AND p.tags @> coalesce(p_tags, '[]')
    ORDER BY score DESC, p.id
    LIMIT p_k
$$
"""


def upgrade() -> None:
    op.execute(_DELETE)
    op.execute(_NAMES)


def downgrade() -> None:
    op.execute("DROP FUNCTION prompt_name_matches(text, integer, text, jsonb)")
    op.execute("DROP FUNCTION delete_prompt_label(text, text, text, text)")
