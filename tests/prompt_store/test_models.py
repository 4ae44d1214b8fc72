"""Two embedding models side by side, each with its own partial HNSW index that filtered queries use."""

import psycopg
import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from prompt_store import search
from prompt_store.embeddings.local import MiniLMEmbedder
from prompt_store.embeddings.openai import OpenAIEmbedder
from prompt_store.exceptions import EmbeddingKeyRefused
from prompt_store.store import PromptStore
from prompt_store.vector_param import VectorParam
from tests.prompt_store.fake_openai import FakeOpenAI

LOCAL, REMOTE = "all-MiniLM-L6-v2", "text-embedding-3-small"
BULK = 3000
TEXTS = {
    "alpha": "Describe a mountain sunrise for a travel video.",
    "beta": "List the ingredients of a chocolate cake.",
    "gamma": "Explain how volcanoes erupt to children.",
}


@pytest.fixture(scope="module")
def both(engine: Engine, minilm: MiniLMEmbedder, openai_embedder: OpenAIEmbedder) -> PromptStore:
    store = PromptStore(engine, model=LOCAL, embedders={LOCAL: minilm, REMOTE: openai_embedder})
    for name, body in TEXTS.items():
        store.add_prompt(name, body, prompt_type="system", tags=["real"])
    return store


def test_reindex_adds_a_second_model_beside_the_first(both: PromptStore, engine: Engine) -> None:
    assert both.reindex(REMOTE) == len(TEXTS)
    with Session(engine) as s:
        widths = s.execute(
            text("SELECT model, vector_dims(embedding), count(*) FROM prompt_embeddings GROUP BY 1, 2 ORDER BY 1")
        ).all()
    assert [tuple(w) for w in widths] == [(LOCAL, 384, 3), (REMOTE, 1536, 3)]

    for name, body in TEXTS.items():  # the fake's vectors are a hash of the text: exact text ranks first
        assert both.search(body, model=REMOTE, k=1)[0].name == name
        assert both.search(body, model=LOCAL, k=1)[0].name == name
    assert both.reindex(REMOTE) == len(TEXTS)  # re-running replaces, never duplicates


def test_openai_key_is_sent_but_never_leaks(fake_openai: FakeOpenAI, both: PromptStore, engine: Engine) -> None:
    assert fake_openai.requests[-1]["auth"] == "Bearer sk-test-secret-key"
    fake_openai.fail_with = 401
    try:
        with pytest.raises(EmbeddingKeyRefused) as info:
            both.search("anything", model=REMOTE)
    finally:
        fake_openai.fail_with = None
    assert "HTTP 401" in str(info.value) and "OPENAI_API_KEY" in str(info.value) and "sk-test" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None or "sk-test" not in repr(info.value)
    with Session(engine) as s:
        dump = s.execute(text("SELECT string_agg(t::text, '') FROM (SELECT * FROM prompts) t")).scalar()
    assert "sk-test" not in dump


@pytest.fixture(scope="module")
def bulk(both: PromptStore, engine: Engine, minilm: MiniLMEmbedder) -> list[float]:
    """3000 template versions whose vectors crowd around the query, so `system` rows are far behind."""
    query = minilm.embed(["bulk filler about nothing"])[0]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO prompts (type, name, text, active_version, latest_version) "
                "VALUES ('template', 'bulk', 'filler', 1, :n)"
            ),
            {"n": BULK},
        )
        conn.execute(
            text(
                "INSERT INTO prompt_versions (prompt_id, version, text, author) "
                "SELECT p.id, g, 'filler ' || g, 'test' FROM prompts p, generate_series(1, :n) g "
                "WHERE p.name = 'bulk'"
            ),
            {"n": BULK},
        )
        conn.execute(
            text(
                "INSERT INTO prompt_embeddings (version_id, model, embedding) "
                "SELECT v.id, :model, ARRAY(SELECT x + (random() - 0.5) * 0.02 "
                "FROM unnest(CAST(:q AS float4[])) x WHERE v.id > 0)::vector "
                "FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'bulk'"
            ),
            {"model": LOCAL, "q": query},
        )
        _insert_nearby_system_versions(conn, query)
        conn.execute(text("ANALYZE"))
    return query


def _insert_nearby_system_versions(conn: Connection, query: list[float]) -> None:
    """Three `system` versions a little further from the query than the bulk: past ef_search, yet in the
    bulk's neighbourhood, so the HNSW graph reaches them (far-away rows can be pruned out of a dense graph)."""
    conn.execute(
        text(
            "INSERT INTO prompts (type, name, text, active_version, latest_version) "
            "VALUES ('system', 'nearby', 'near', 1, 3)"
        )
    )
    conn.execute(
        text(
            "INSERT INTO prompt_versions (prompt_id, version, text, author) "
            "SELECT p.id, g, 'near ' || g, 'test' FROM prompts p, generate_series(1, 3) g WHERE p.name = 'nearby'"
        )
    )
    conn.execute(
        text(
            "INSERT INTO prompt_embeddings (version_id, model, embedding) "
            "SELECT v.id, :model, ARRAY(SELECT x + (random() - 0.5) * 0.1 "
            "FROM unnest(CAST(:q AS float4[])) x WHERE v.id > 0)::vector "
            "FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.name = 'nearby'"
        ),
        {"model": LOCAL, "q": query},
    )


def test_filtered_query_uses_the_models_hnsw_index(bulk: list[float], engine: Engine) -> None:
    sql = search.semantic_sql(LOCAL, prompt_type="system", tags=["real"])
    with Session(engine) as s, s.begin():
        search.enable_iterative_scan(s, 40)
        params = {"q": VectorParam(bulk), "k": 3, "type": "system", "tags": '["real"]'}
        plan = "\n".join(s.execute(text("EXPLAIN " + sql), params).scalars())
    assert "Index Scan using ix_prompt_embeddings_hnsw_minilm_l6_v2" in plan, plan


def test_iterative_scan_still_returns_k_filtered_rows(bulk: list[float], both: PromptStore, engine: Engine) -> None:
    hits = both.search("bulk filler about nothing", mode="semantic", prompt_type="system", k=3, all_versions=True)
    assert [(h.name, h.type) for h in hits] == [("nearby", "system")] * 3

    # Without iterative scans the index stops after ef_search bulk rows and the filter leaves nothing:
    # proof that the rows above come from continuing the scan, not from a sequential scan.
    with Session(engine) as s, s.begin():
        s.execute(text("SET LOCAL hnsw.ef_search = 40"))
        s.execute(text("SET LOCAL hnsw.iterative_scan = off"))
        rows = s.execute(
            text(search.semantic_sql(LOCAL, prompt_type="system", tags=None)),
            {"q": VectorParam(bulk), "k": 3, "type": "system", "tags": "[]"},
        ).all()
    assert len(rows) < 3


def test_raw_dsn_sees_two_partial_indexes(blank_url: str, engine: Engine) -> None:
    from sqlalchemy.engine import make_url

    with psycopg.connect(make_url(blank_url).set(drivername="postgresql").render_as_string(False)) as conn:
        defs = [
            r[0]
            for r in conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'prompt_embeddings' AND indexdef LIKE '%hnsw%'"
            )
        ]
    assert len(defs) == 2
    assert any("vector(384)" in d and LOCAL in d for d in defs)
    assert any("vector(1536)" in d and REMOTE in d for d in defs)


def test_a_vector_parameter_reaches_postgres_exactly_and_its_width_is_checked(engine: Engine) -> None:
    values = [0.25, -1.5, 3.0e-8]
    with Session(engine) as s:
        sent = s.execute(text("SELECT CAST(:v AS vector(3))::text"), {"v": VectorParam(values)}).scalar_one()
        assert sent == "[0.25,-1.5,3e-08]"
        with pytest.raises(DBAPIError, match="expected 3 dimensions, not 2"):
            s.execute(text("SELECT CAST(:v AS vector(3))"), {"v": VectorParam(values[:2])})
    with pytest.raises(ValueError, match="one-dimensional"):
        VectorParam([values, values])
