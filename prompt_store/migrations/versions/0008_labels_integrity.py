"""Labels, version metadata, writes only through owner functions, and a least-privilege runtime role.

Revision ID: 0008
Revises: 0007

- `prompt_labels`: any number of named labels per prompt, each pointing at one version; `production` is the label
  the flow reads by default and is what `prompts.active_version` mirrors. Existing installs get a `production`
  label at their active version.
- `prompt_versions.metadata` (template variables, tags) and `prompt_audit.label` (every audit row is a label move;
  earlier rows moved the active version, i.e. `production`). Adding columns fires no row trigger.
- `run_prompt_versions.label`: which label a run resolved (A/B splits).
- Writes to prompts, versions, labels and audit go through SECURITY DEFINER functions (below);
  the runtime role `p2v_runtime` may only read those tables, and gets DML on every other table, including the
  tables later migrations add (ALTER DEFAULT PRIVILEGES of the role that runs the migrations).
- A deferred constraint trigger checks, on every UPDATE of `prompts`, that `text/parameters` equal the active
  version's and that `active_version` equals the `production` label: the copy cannot drift, not even for the
  owner (bulk loads that INSERT rows as the owner are not checked; runs read version rows anyway).
"""

import importlib

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RUNTIME_ROLE = "p2v_runtime"
_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"

# Custom SQLSTATEs the store maps to its exceptions (prompt_store.versions).
_CREATE = f"""
CREATE FUNCTION create_prompt_version(
    p_name text, p_type text, p_text text, p_parameters jsonb, p_tags jsonb, p_metadata jsonb,
    p_author text, p_message text, p_model text, p_embedding vector
) RETURNS TABLE (version integer, created_at timestamptz) {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    pid bigint;
    vid bigint;
    stamp timestamptz;
BEGIN
    INSERT INTO prompts (type, name, text, parameters, tags, active_version, latest_version)
    VALUES (p_type, p_name, p_text, p_parameters, p_tags, 1, 1)
    ON CONFLICT (name) DO NOTHING RETURNING id INTO pid;
    IF pid IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO prompt_versions (prompt_id, version, text, parameters, metadata, author, message)
    VALUES (pid, 1, p_text, p_parameters, p_metadata, p_author, p_message)
    RETURNING id, created_at INTO vid, stamp;
    IF p_embedding IS NOT NULL THEN
        INSERT INTO prompt_embeddings (version_id, model, embedding) VALUES (vid, p_model, p_embedding);
    END IF;
    INSERT INTO prompt_labels (prompt_id, label, version, updated_by) VALUES (pid, 'production', 1, p_author);
    INSERT INTO prompt_audit (prompt_id, action, label, from_version, to_version, actor, reason)
    VALUES (pid, 'create', 'production', NULL, 1, p_author, p_message);
    RETURN QUERY SELECT 1, stamp;
END
$$
"""

# The embedding goes in first, before any lock, under an id drawn from the sequence (its key is checked at
# COMMIT): the HNSW insert is the slow part and must not sit in the writers' queue (see migration 0005).
# Each later statement takes a fresh snapshot after the row lock, so it sees what a previous committer wrote.
_COMMIT = f"""
CREATE FUNCTION commit_prompt_version(
    p_name text, p_text text, p_parameters jsonb, p_tags jsonb, p_metadata jsonb, p_author text,
    p_message text, p_model text, p_embedding vector, p_label text DEFAULT 'production'
) RETURNS TABLE (version integer, parameters jsonb, metadata jsonb, created_at timestamptz) {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    new_id bigint := nextval(pg_get_serial_sequence('prompt_versions', 'id'));
    pid bigint;
    next_version integer;
    params jsonb;
    tag_list jsonb;
    previous integer;
    stamp timestamptz;
BEGIN
    INSERT INTO prompt_embeddings (version_id, model, embedding)
    SELECT new_id, p_model, p_embedding WHERE EXISTS (SELECT 1 FROM prompts WHERE name = p_name);

    SELECT id, latest_version + 1, coalesce(p_parameters, prompts.parameters), coalesce(p_tags, tags)
    INTO pid, next_version, params, tag_list
    FROM prompts WHERE name = p_name FOR UPDATE;
    IF pid IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO prompt_versions (id, prompt_id, version, text, parameters, metadata, author, message)
    VALUES (new_id, pid, next_version, p_text, params, p_metadata || jsonb_build_object('tags', tag_list), p_author,
        p_message)
    RETURNING created_at INTO stamp;
    SELECT version INTO previous FROM prompt_labels WHERE prompt_id = pid AND label = p_label;
    INSERT INTO prompt_labels AS l (prompt_id, label, version, updated_by) VALUES (pid, p_label, next_version, p_author)
    ON CONFLICT (prompt_id, label) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by,
        updated_at = now();
    UPDATE prompts SET latest_version = next_version, tags = tag_list, updated_at = now(),
        active_version = CASE WHEN p_label = 'production' THEN next_version ELSE active_version END,
        text = CASE WHEN p_label = 'production' THEN p_text ELSE text END,
        parameters = CASE WHEN p_label = 'production' THEN params ELSE parameters END
    WHERE id = pid;
    INSERT INTO prompt_audit (prompt_id, action, label, from_version, to_version, actor, reason)
    VALUES (pid, 'commit', p_label, previous, next_version, p_author, p_message);
    RETURN QUERY SELECT next_version, params, p_metadata || jsonb_build_object('tags', tag_list), stamp;
END
$$
"""

_MOVE = f"""
CREATE FUNCTION move_prompt_label(
    p_name text, p_label text, p_version integer, p_actor text, p_reason text, p_action text
) RETURNS TABLE (from_version integer, to_version integer, created_at timestamptz) {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    pid bigint;
    target prompt_versions%ROWTYPE;
    previous integer;
    stamp timestamptz;
BEGIN
    SELECT id INTO pid FROM prompts WHERE name = p_name FOR UPDATE;
    IF pid IS NULL THEN
        RAISE EXCEPTION 'prompt % not found', p_name USING ERRCODE = 'PS404';
    END IF;
    SELECT * INTO target FROM prompt_versions WHERE prompt_id = pid AND version = p_version;
    IF target.id IS NULL THEN
        RAISE EXCEPTION '% has no version %', p_name, p_version USING ERRCODE = 'PS405';
    END IF;
    SELECT version INTO previous FROM prompt_labels WHERE prompt_id = pid AND label = p_label;
    IF previous = p_version THEN
        RAISE EXCEPTION '% of % is already at version %', p_label, p_name, p_version USING ERRCODE = 'PS409';
    END IF;
    INSERT INTO prompt_labels (prompt_id, label, version, updated_by) VALUES (pid, p_label, p_version, p_actor)
    ON CONFLICT (prompt_id, label) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by,
        updated_at = now();
    IF p_label = 'production' THEN
        UPDATE prompts SET active_version = p_version, text = target.text, parameters = target.parameters,
            updated_at = now()
        WHERE id = pid;
    END IF;
    INSERT INTO prompt_audit (prompt_id, action, label, from_version, to_version, actor, reason)
    VALUES (pid, p_action, p_label, previous, p_version, p_actor, p_reason)
    RETURNING created_at INTO stamp;
    RETURN QUERY SELECT previous, p_version, stamp;
END
$$
"""

FUNCTIONS = (_CREATE, _COMMIT, _MOVE)

_SCHEMA = """
CREATE TABLE prompt_labels (
    prompt_id bigint NOT NULL REFERENCES prompts (id),
    label varchar(64) NOT NULL CHECK (label ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    version integer NOT NULL,
    updated_by varchar(100) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (prompt_id, label),
    CONSTRAINT fk_prompt_labels_version FOREIGN KEY (prompt_id, version)
        REFERENCES prompt_versions (prompt_id, version) DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE prompt_versions ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';
ALTER TABLE prompt_audit ADD COLUMN label varchar(64) NOT NULL DEFAULT 'production';
ALTER TABLE run_prompt_versions ADD COLUMN label varchar(64);
INSERT INTO prompt_labels (prompt_id, label, version, updated_by, updated_at)
    SELECT id, 'production', active_version, 'migration', updated_at FROM prompts;
CREATE TRIGGER prompt_labels_no_truncate BEFORE TRUNCATE ON prompt_labels
    FOR EACH STATEMENT EXECUTE FUNCTION prompt_store_reject_change();
DROP FUNCTION commit_prompt_version(text, text, jsonb, text, text, text, vector);
"""

_CONSISTENCY = """
CREATE FUNCTION prompt_store_check_copy() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p prompts%ROWTYPE;
BEGIN
    SELECT * INTO p FROM prompts WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM prompt_versions v
        WHERE v.prompt_id = p.id AND v.version = p.active_version AND v.text = p.text AND v.parameters = p.parameters
    ) OR EXISTS (
        SELECT 1 FROM prompt_labels l
        WHERE l.prompt_id = p.id AND l.label = 'production' AND l.version <> p.active_version
    ) THEN
        RAISE EXCEPTION 'prompt % does not match its production version %: change prompts only by a commit',
            p.name, p.active_version USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER prompts_match_production AFTER UPDATE ON prompts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION prompt_store_check_copy();
"""

_GUARDED = ("prompts", "prompt_versions", "prompt_labels", "prompt_audit", "prompt_store_alembic_version")


def _grants() -> str:
    guarded = ", ".join(_GUARDED)
    return f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{RUNTIME_ROLE}') THEN
        CREATE ROLE {RUNTIME_ROLE} NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO {RUNTIME_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {RUNTIME_ROLE};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {RUNTIME_ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {RUNTIME_ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {RUNTIME_ROLE};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {guarded} FROM PUBLIC, {RUNTIME_ROLE};
"""


def upgrade() -> None:
    op.execute(_SCHEMA)
    for ddl in FUNCTIONS:
        op.execute(ddl)
    op.execute(_CONSISTENCY)
    op.execute(_grants())


def downgrade() -> None:
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {RUNTIME_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {RUNTIME_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {RUNTIME_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {RUNTIME_ROLE}")
    op.execute(f"REVOKE ALL ON SCHEMA public FROM {RUNTIME_ROLE}")
    op.execute("DROP TRIGGER prompts_match_production ON prompts; DROP FUNCTION prompt_store_check_copy()")
    op.execute("DROP FUNCTION create_prompt_version, commit_prompt_version, move_prompt_label")
    importlib.import_module("prompt_store.migrations.versions.0005_commit_function").upgrade()  # its function back
    op.execute("DROP TABLE prompt_labels")
    op.execute("ALTER TABLE run_prompt_versions DROP COLUMN label; ALTER TABLE prompt_versions DROP COLUMN metadata")
    op.execute("ALTER TABLE prompt_audit DROP COLUMN label")
