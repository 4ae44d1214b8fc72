"""`p2v storage init`: check the object storage of P2V_STORAGE_URL and save Prefect's results block for it.

Run once per stack (docker-compose's setup job does) before workers on several machines start runs (docs/storage.md).
"""

import uuid
from typing import Annotated

import typer
from rich.console import Console

from services.settings import get_settings
from services.storage import StorageError, build_store
from services.storage.s3 import S3Store

app = typer.Typer(help="Object storage shared by workers on several machines.")
console = Console()


@app.command()
def init(
    create_bucket: Annotated[bool, typer.Option("--create-bucket", help="Create the bucket if it is missing.")] = False,
) -> None:
    """Write, read and delete a probe object in P2V_STORAGE_URL, then save the results block on the Prefect API."""
    settings = get_settings()
    if settings.storage_url is None:
        console.print("P2V_STORAGE_URL is not set: artifacts and results stay in the data folder; nothing to do.")
        return
    store = build_store(settings)
    probe = f"probes/{uuid.uuid4().hex}.json"
    try:
        if create_bucket and isinstance(store, S3Store) and store.ensure_bucket():
            console.print(f"created bucket {store.bucket}")
        ref = store.write_bytes(b'{"probe": true}', probe)
        if store.read_bytes(ref) != b'{"probe": true}':
            raise StorageError(f"{ref} read back different bytes")
        store.delete(ref)
    except StorageError as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    from tasks.resume import ensure_result_storage

    block = ensure_result_storage(settings)
    console.print(f"{settings.storage_url} is writable; Prefect results go to block {block}.", soft_wrap=True)
