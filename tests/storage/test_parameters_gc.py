"""`p2v gc` with P2V_STORAGE_URL also removes old parameter objects of background task runs from the bucket."""

import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from services.settings import get_settings
from services.storage.parameters_gc import collect_parameters
from tests.storage.conftest import S3Server

DAY = 86400


def test_old_parameter_objects_go_and_nothing_else(
    s3_env: dict[str, str], s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2V_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    bucket = s3_env["P2V_STORAGE_URL"].removeprefix("s3://").split("/")[0]
    client = s3_server.client()
    parameters = [f"p2v/results/parameters/{uuid.uuid4()}" for _ in range(2)]
    others = ["p2v/parts/segment-ab12.mp4", "p2v/results/0123abcd"]
    for key in parameters + others:
        client.put_object(Bucket=bucket, Key=key, Body=b"x" * 100)

    done = runner_output(["gc"])
    assert "Bucket: removed 0 background-run parameter object(s) (0.0 KB), kept 2." in done
    retention = get_settings().retention_days * DAY
    later = time.time() + retention + 60
    dry = collect_parameters(get_settings(), dry_run=True, now=later)
    assert dry is not None and sorted(item.uri for item in dry.removed) == sorted(
        f"s3://{bucket}/{k}" for k in parameters
    )
    assert dry.freed_bytes == 200 and set(s3_server.keys(bucket)) == set(parameters + others)

    within = collect_parameters(get_settings(), now=time.time() + retention - 3600)
    assert within is not None and (within.removed, within.kept) == ([], 2)
    done_later = collect_parameters(get_settings(), now=later)
    assert done_later is not None and len(done_later.removed) == 2
    assert sorted(s3_server.keys(bucket)) == sorted(others), "only the parameter objects went"
    get_settings.cache_clear()


def runner_output(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())
