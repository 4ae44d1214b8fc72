"""Provider response cache and the one-time MiniLM load, measured in one run.

Run: `.venv/bin/python -m benchmarks.providers` (about a minute, most of it loading torch). It prints:
- a scene searched on Pexels, Pixabay and Depositphotos (fake servers answering in 300 ms), then the same search
  with new clients on the same data dir, as the next run would: requests and wall time of each, and their ratio;
- six threads asking for the MiniLM model at once in a fresh process: how many model objects they got, and the
  wall time against a single thread's load in another fresh process.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

LATENCY_S = 0.3
THREADS = 6
_LOAD = """
import sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from services.embeddings import _load_minilm
count = int(sys.argv[1]); start = threading.Barrier(count); began = time.perf_counter()
def ask(_i):
    start.wait()
    return _load_minilm()
with ThreadPoolExecutor(count) as pool:
    models = list(pool.map(ask, range(count)))
print(len({id(m) for m in models}), time.perf_counter() - began)
"""


def main() -> None:
    _cache()
    _minilm()


def _cache() -> None:
    from services.embeddings import KeywordEmbedder
    from services.media import build_providers, search_scene
    from services.models import Scene
    from tests.conftest import fake_settings
    from tests.fakes.stock_apis import FakeAPI, Item, make_media

    with tempfile.TemporaryDirectory(prefix="p2v-bench-") as tmp:
        api = FakeAPI(make_media(Path(tmp) / "media"))
        api.catalogue = [Item(i, f"red fox snow {i}") for i in range(12)]
        api.latency_s = LATENCY_S
        scene = Scene(index=0, narration="A red fox in the snow.", visual_query="red fox snow", duration_s=5)
        timings = []
        for _run in range(2):
            settings = fake_settings(
                api, Path(tmp) / "data", response_cache_ttl_s=86400, media_providers="pexels,pixabay,depositphotos"
            )
            providers = build_providers(settings, embedder=KeywordEmbedder())
            before, began = len(api.seen), time.perf_counter()
            search_scene(scene, aspect="16:9", providers=providers, limit=40)
            timings.append((len(api.seen) - before, time.perf_counter() - began))
        api.close()
    (first_n, first_s), (second_n, second_s) = timings
    print(f"search, first run:  {first_n} requests, {first_s:.2f} s")
    print(f"search, second run: {second_n} requests, {second_s:.3f} s ({first_s / max(second_s, 1e-6):.0f}x faster)")


def _minilm() -> None:
    from services.embeddings import minilm_installed

    if not minilm_installed():
        print("MiniLM is not installed: load measurement skipped")
        return
    results = {}
    for count in (1, THREADS):
        out = subprocess.run([sys.executable, "-c", _LOAD, str(count)], capture_output=True, text=True, check=True)
        models, seconds = out.stdout.split()
        results[count] = (int(models), float(seconds))
    print(f"MiniLM, 1 thread:  {results[1][0]} model, {results[1][1]:.1f} s")
    print(f"MiniLM, {THREADS} threads at once: {results[THREADS][0]} model(s), {results[THREADS][1]:.1f} s "
          f"({results[THREADS][1] / results[1][1]:.2f}x the single load)")  # fmt: skip


if __name__ == "__main__":
    main()
