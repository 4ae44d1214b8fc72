"""The load test, lean: one API + one serve process on loopback, 20 concurrent POSTs against a bound of 1, and a
300 MB body without a token. Outcomes only (the figures: benchmarks/api_load.py)."""

import shutil
import tempfile
from pathlib import Path

from prefect.settings import PREFECT_API_URL

from benchmarks.api_load import boundary, drive


def test_every_request_is_answered_and_every_accepted_run_completes(prefect_harness: None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="p2vl", dir="/tmp"))  # short: the embedded Postgres keeps its socket here
    try:
        with boundary(PREFECT_API_URL.value(), folder, limit=1, max_runs=1) as (url, api_pid):
            figures = drive(url, api_pid, posts=20, big=1, big_mb=300)
        videos = list((folder / "out" / "users" / "admin").glob("*/video.mp4"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    assert figures["post_codes"] == {202: 1, 429: 19}, figures
    assert figures["big_codes"] == {401: 1} and figures["big_mb_sent_before_answer"][0] < 300, figures
    assert figures["api_rss_mb_peak"] < 300, figures
    assert figures["accepted_run_states"] == {"COMPLETED": 1}, figures
    assert len(videos) == 1
