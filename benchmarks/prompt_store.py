"""Prompt-store benchmark at 100k versions (384-d random unit vectors; an exact scan is the recall reference).

    python -m benchmarks.prompt_store [--versions 100000] [--queries 200]

Uses a throwaway embedded Postgres, stopped and deleted at the end (or a new database on DATABASE_URL's server,
dropped at the end; see benchmarks/prompt_store_data.py, which also loads the versions). Query vectors and the
embeddings of committed versions come from a fixed table instead of a model, drawn like the corpus (`--data`), so the
figures are the store's own cost (SQL, pooling, fusion, HNSW inserts), not MiniLM's.
Targets from issue 3: p50 <= 5 ms, p99 <= 25 ms, recall@10 >= 0.95, hybrid p50 <= 20 ms, >= 300 versions/s;
issue 21: hybrid new / old <= 1 at p50 and p99 (old: the search before issue 21, benchmarks/prompt_store_legacy.py).
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url

from benchmarks.prompt_store_data import DIMS, MODEL, VERSIONS_PER_PROMPT, WORDS, draw, load, throwaway_database, unit
from benchmarks.prompt_store_legacy import hybrid_lines
from prompt_store import migrate, search
from prompt_store.db import make_engine
from prompt_store.store import PromptStore
from prompt_store.vector_param import VectorParam
from services.settings import Settings


class FixedVectors:
    """An Embedder that returns pre-drawn vectors for known texts and fresh random ones otherwise."""

    model, dims = MODEL, DIMS

    def __init__(self) -> None:
        self.table: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.table.get(t, unit(1)[0]).tolist() for t in texts]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def bench_search(store: PromptStore, embedder: FixedVectors, vectors: np.ndarray, queries: int, data: str) -> None:
    texts = [" ".join(random.choices(WORDS, k=2)) for _ in range(queries)]
    qvecs = draw(queries, data)
    embedder.table.update(zip(texts, qvecs, strict=True))
    recalls, latencies, filtered = [], [], []
    for text, qvec in zip(texts, qvecs, strict=True):
        start = time.perf_counter()
        hits = store.search(text, mode="semantic", k=10, all_versions=True)
        latencies.append((time.perf_counter() - start) * 1000)
        exact = np.argsort(-(vectors @ qvec))[:10]
        truth = {(f"bench.{i // VERSIONS_PER_PROMPT}", i % VERSIONS_PER_PROMPT + 1) for i in exact}
        recalls.append(len(truth & {(h.name, h.version) for h in hits}) / 10)
        # type "tool" and tag "t2" together keep 5% of the rows
        filtered.extend(
            timed(lambda t=text: store.search(t, mode="semantic", k=10, prompt_type="tool", tags=["t2"]), 1)
        )
    grouped = [timed(lambda t=t: store.search(t, mode="semantic", k=10), 1)[0] for t in texts]
    hybrid = hybrid_lines(store, lambda q: embedder.embed([q])[0], texts, model=MODEL, dims=DIMS)
    # natural-language queries rarely share every word with a version: the any-word tier does the work
    sentences = [" ".join(random.choices(WORDS, k=6)) for _ in range(max(1, queries // 4))]
    embedder.table.update(zip(sentences, draw(len(sentences), data), strict=True))
    long_hybrid = [timed(lambda t=t: store.search(t, mode="hybrid", k=10), 1)[0] for t in sentences]
    server = server_times(store, qvecs[:50])
    print(f"semantic top-10      p50 {pct(latencies, 50):6.2f} ms   p99 {pct(latencies, 99):6.2f} ms")
    print(f"recall@10 vs exact   {statistics.mean(recalls):.3f}  (ef_search={store.settings.hnsw_ef_search})")
    print(f"  of which Postgres  p50 {pct(server, 50):6.2f} ms   (EXPLAIN ANALYZE execution time)")
    print(f"filtered (type+tag)  p50 {pct(filtered, 50):6.2f} ms   p99 {pct(filtered, 99):6.2f} ms")
    print(
        f"semantic per prompt  p50 {pct(grouped, 50):6.2f} ms   p99 {pct(grouped, 99):6.2f} ms  (grouped, the default)"
    )
    print("\n".join(hybrid))
    print(f"hybrid new, 6 words  p50 {pct(long_hybrid, 50):6.2f} ms   p99 {pct(long_hybrid, 99):6.2f} ms (any word)")


def server_times(store: PromptStore, qvecs: np.ndarray) -> list[float]:
    """Execution time inside Postgres, to tell the index's cost from the client's on a busy machine."""
    sql = sql_text("EXPLAIN (ANALYZE, FORMAT JSON) " + search.semantic_sql(MODEL, prompt_type=None, tags=None))
    samples = []
    with store.autocommit() as s:
        for qvec in qvecs:
            params = {"q": VectorParam(qvec), "k": 10, "type": None, "tags": "[]"}
            samples.append(s.execute(sql, params).scalar_one()[0]["Execution Time"])
    return samples


def bench_reads(engine, embedder: FixedVectors) -> None:  # noqa: ANN001
    for label, ttl in (("cached", 60.0), ("uncached", 0.0)):
        store = PromptStore(
            engine,
            embedders={MODEL: embedder},
            settings=Settings(_env_file=None, embedding_model=MODEL, prompt_cache_ttl_s=ttl),
        )
        store.get_active_prompt("bench.1")
        samples = timed(lambda s=store: s.get_active_prompt("bench.1"), 2000 if ttl else 300)
        print(f"active read {label:9s} p50 {pct(samples, 50):8.4f} ms")


def bench_commits(store: PromptStore, embedder: FixedVectors, writers: int, per_writer: int, data: str) -> float:
    """`writers` threads commit to one prompt; each new version's embedding is drawn like the corpus's, as a
    model's would be. Returns versions/s; fails on a gap or a duplicate version number."""
    texts = [
        [f"writer {w} commit {i} " + " ".join(random.choices(WORDS, k=10)) for i in range(per_writer)]
        for w in range(writers)
    ]
    embedder.table.update(zip((t for batch in texts for t in batch), draw(writers * per_writer, data), strict=True))
    before = store.show("bench.0").version  # the active version is the latest here

    def write(batch: list[str]) -> None:
        for text in batch:
            store.commit("bench.0", text)

    start = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, texts))
    elapsed = time.perf_counter() - start
    versions = [v.version for v in store.history("bench.0")]
    assert versions == list(range(before + writers * per_writer, 0, -1)), "gap or duplicate!"
    return writers * per_writer / elapsed


def report_commits(rates: list[float], writers: int, per_writer: int, data: str) -> None:
    rounds = ", ".join(f"{r:.0f}" for r in rates)
    print(
        f"commits, {writers} writers  {statistics.median(rates):6.0f} versions/s median of {len(rates)} rounds "
        f"of {writers * per_writer} ({rounds}; {data} vectors)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--commits-per-writer", type=int, default=50)
    parser.add_argument("--commit-rounds", type=int, default=3, help="the median is printed (shared, noisy machines)")
    parser.add_argument("--data", choices=["clustered", "uniform"], default="clustered")
    parser.add_argument("--ef-search", default="40,100", help="comma-separated hnsw.ef_search values")
    args = parser.parse_args()

    with throwaway_database(restart=True) as url:
        run(url, args)


def run(url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    started = time.perf_counter()
    dsn = make_url(engine.url).set(drivername="postgresql").render_as_string(False)
    vectors = load(dsn, args.versions, args.data)
    print(f"loaded {args.versions} {args.data} versions + HNSW index in {time.perf_counter() - started:.0f} s")

    embedder = FixedVectors()
    for ef in (int(x) for x in args.ef_search.split(",")):
        settings = Settings(_env_file=None, embedding_model=MODEL, hnsw_ef_search=ef)
        tuned = make_engine(url, ef_search=ef)  # ef_search is set per connection
        store = PromptStore(tuned, embedders={MODEL: embedder}, settings=settings)
        store.search("warm up", k=10)
        bench_search(store, embedder, vectors, args.queries, args.data)
    bench_reads(engine, embedder)
    rates = [
        bench_commits(store, embedder, args.writers, args.commits_per_writer, args.data)
        for _ in range(args.commit_rounds)
    ]
    report_commits(rates, args.writers, args.commits_per_writer, args.data)


if __name__ == "__main__":
    main()
