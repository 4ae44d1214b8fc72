"""Embeddings in an untyped `vector` column, one partial HNSW expression index per model.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The built-in models; `prompt_store.vector_index.ensure_indexes` adds the same shape for others.
_MODELS = {"all-MiniLM-L6-v2": ("minilm_l6_v2", 384), "text-embedding-3-small": ("te3_small", 1536)}
# Deferrable: a commit inserts its embedding (the slow HNSW insert) *before* it takes the prompt's row lock
# and inserts the version row, so writers queue only for the cheap part; the key is checked at COMMIT.
_TABLES = {
    "prompt_embeddings": "version_id bigint NOT NULL REFERENCES prompt_versions (id) DEFERRABLE INITIALLY DEFERRED",
    "user_prompt_embeddings": "user_prompt_id bigint NOT NULL REFERENCES user_prompts (id)",
}


def upgrade() -> None:
    for table, key in _TABLES.items():
        key_column = key.split()[0]
        op.execute(
            f"""
            CREATE TABLE {table} (
                {key},
                model varchar(100) NOT NULL,
                embedding vector NOT NULL,
                PRIMARY KEY ({key_column}, model)
            )
            """
        )
        for model, (slug, dims) in _MODELS.items():
            op.execute(
                f"CREATE INDEX ix_{table}_hnsw_{slug} ON {table} "
                f"USING hnsw ((embedding::vector({dims})) vector_cosine_ops) "
                f"WITH (m = 16, ef_construction = 64) WHERE model = '{model}'"
            )


def downgrade() -> None:
    op.execute("DROP TABLE user_prompt_embeddings, prompt_embeddings")
