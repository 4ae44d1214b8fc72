"""A real S3 API on loopback: moto's standalone server (werkzeug, in a thread), one bucket per test."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

ACCESS_KEY = "AKIAP2VTESTKEY000001"
SECRET_KEY = "p2v-test-secret-never-logged-0123456789"


@dataclass
class S3Server:
    endpoint_url: str

    def env(self, bucket: str) -> dict[str, str]:
        """What a worker needs: the storage URL, the endpoint, and credentials in botocore's variables."""
        return {
            "P2V_STORAGE_URL": f"s3://{bucket}/p2v",
            "P2V_S3_ENDPOINT_URL": self.endpoint_url,
            "P2V_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self) -> Any:
        """A boto3 S3 client of this server, for what the test itself looks at."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self) -> str:
        name = f"p2v-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Server(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def s3_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This process pointed at a fresh bucket of the S3 server (settings re-read)."""
    from services.settings import get_settings

    env = s3_server.env(s3_server.create_bucket())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def database_url() -> str:
    """The prompt store's database, as a server both workers reach (here: the test session's embedded one)."""
    from prompt_store import get_store
    from prompt_store.db import embedded_url, runtime_url
    from services.settings import get_settings

    get_store()  # migrated
    return runtime_url(embedded_url(get_settings().data_dir))
