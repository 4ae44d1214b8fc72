"""Full-text in more than English, and trigram matching of prompt names.

Revision ID: 0009
Revises: 0008

`prompt_search` is the `russian` configuration (Russian snowball stemming for Cyrillic words, English stemming and
stop words for ASCII words) with `unaccent` in front of the non-ASCII words, so `café` finds `cafe` and `ёлка`
finds `елка`; other Latin-script languages are matched word for word, unstemmed. One configuration for every
version: a query does not need to know the language a prompt was written in.
The generated `tsv` column is rebuilt with it (a column rewrite: no row trigger fires, versions stay immutable).
pg_trgm and unaccent are trusted extensions (Postgres 13+): a database owner can create them without superuser.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE TEXT SEARCH CONFIGURATION prompt_search (COPY = pg_catalog.russian)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION prompt_search "
        "ALTER MAPPING FOR word, hword, hword_part WITH unaccent, russian_stem"
    )
    op.execute("ALTER TABLE prompt_versions DROP COLUMN tsv")
    op.execute(
        "ALTER TABLE prompt_versions ADD COLUMN tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('prompt_search'::regconfig, text)) STORED"
    )
    op.execute("CREATE INDEX ix_prompt_versions_tsv ON prompt_versions USING gin (tsv)")
    op.execute("CREATE INDEX ix_prompts_name_trgm ON prompts USING gin (name gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_prompts_name_trgm")
    op.execute("ALTER TABLE prompt_versions DROP COLUMN tsv")
    op.execute(
        "ALTER TABLE prompt_versions ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
    )
    op.execute("CREATE INDEX ix_prompt_versions_tsv ON prompt_versions USING gin (tsv)")
    op.execute("DROP TEXT SEARCH CONFIGURATION prompt_search")
