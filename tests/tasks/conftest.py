"""The publish drills need the real Postgres ledger: the prompt-store tests' database fixtures, reused."""

from tests.prompt_store.conftest import blank_url, engine, server_url

__all__ = ["blank_url", "engine", "server_url"]
