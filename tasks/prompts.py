"""The prompt store's part in a run: the request recorded, the system prompt read, the lineage written."""

import uuid
from typing import Any

from prefect import task
from prefect.cache_policies import INPUTS, RUN_ID
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

import prompt_store
from prompt_store.embeddings import local, resolve_model
from prompt_store.exceptions import EmbeddingKeyRefused, LabelNotFound
from prompt_store.labels import PRODUCTION
from prompt_store.templates import render
from services.models import Publication, VideoRequest
from services.run_tags import user_from_tags
from services.storyboard import PlannerPrompt
from tasks.resume import PERMANENT_ERRORS, result_storage, retry_unless, step_timeout

# a dropped database connection heals on a retry (tests/faults/test_database_restart.py); a refused key does not
STORE_RETRIES = {
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_condition_fn": retry_unless(*PERMANENT_ERRORS, EmbeddingKeyRefused, LabelNotFound),
    "timeout_seconds": step_timeout(),
}


@task(
    name="record_request",
    cache_policy=INPUTS + RUN_ID,
    persist_result=True,
    result_storage=result_storage(),
    **STORE_RETRIES,
)
def record_request(request: VideoRequest, user_prompt_id: int | None = None) -> int:
    """Record the user's request (once per flow run, retries included); a queued one keeps its id.

    Embedded here only by a remote model (one quick call, and a refused key stops the run before any work);
    loading the local model took most of a worker run's start, and the storyboard does not need the embedding:
    `embed_request` makes it beside the other steps.
    """
    if user_prompt_id is not None:
        get_run_logger().info("queued user prompt #%d: made by this run", user_prompt_id)
        return user_prompt_id
    metadata = request.model_dump(mode="json", exclude={"prompt", "language"})
    username = user_from_tags(flow_run.tags or []) or "cli"  # a run the REST API started belongs to its caller
    store = prompt_store.get_store()
    remote = resolve_model(None) != local.MODEL
    recorded = store.record_user_prompt(
        request.prompt, language=request.language, metadata=metadata, embed=remote, username=username
    )
    get_run_logger().info("recorded user prompt #%d (%d characters)", recorded, len(request.prompt))
    return recorded


@task(
    name="embed_request",
    cache_policy=INPUTS + RUN_ID,
    persist_result=True,
    result_storage=result_storage(),
    **STORE_RETRIES,
)
def embed_request(user_prompt_id: int) -> bool:
    """Embed the recorded request for similarity search (a no-op when it already has an embedding)."""
    return prompt_store.get_store().embed_user_prompt(user_prompt_id)


@task(name="load_system_prompt", **STORE_RETRIES)
def load_system_prompt(
    name: str = prompt_store.STORYBOARD_SYSTEM,
    label: str = PRODUCTION,
    user_prompt_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> PlannerPrompt:
    """The version `label` (or a weighted split, "production:80,staging:20") points at, rendered with `context`.

    The label is chosen from the flow run's id, so a retried run reads the same one; the version and label are
    written to the lineage at once when the request is known (a failed run still says what it read).
    """
    store = prompt_store.get_store()
    store.ensure_default_prompts()
    chosen = store.resolve_for_run(name, label, run_key=str(flow_run.id or uuid.uuid4()))
    if user_prompt_id is not None:
        store.record_lineage(
            user_prompt_id, prompt_versions={chosen.name: chosen.version}, prompt_labels={chosen.name: chosen.label}
        )
    get_run_logger().info(
        "system prompt %s v%s (label %s, %d characters)", chosen.name, chosen.version, chosen.label, len(chosen.text)
    )
    text = render(chosen.text, chosen.variables, context or {})
    return PlannerPrompt(name=chosen.name, version=chosen.version, text=text, parameters=chosen.parameters)


@task(name="record_lineage", **STORE_RETRIES)
def record_lineage(user_prompt_id: int, publication: Publication, prompts: list[PlannerPrompt]) -> None:
    """Which prompt versions and which request produced which video."""
    prompt_store.get_store().record_lineage(
        user_prompt_id,
        flow_run_id=str(flow_run.id) if flow_run.id else None,
        video_path=publication.url if publication.url.startswith("file:") else None,
        publication_url=publication.url,
        prompt_versions={p.name: p.version for p in prompts if p.version is not None},
    )
    versions = ", ".join(f"{p.name} v{p.version}" for p in prompts)
    get_run_logger().info("lineage: user prompt #%d -> %s (%s)", user_prompt_id, publication.url, versions)
