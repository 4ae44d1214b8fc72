"""The prompt store's part in a run: the request recorded, the system prompt read, the lineage written."""

from prefect import task
from prefect.cache_policies import INPUTS, RUN_ID
from prefect.runtime import flow_run

import prompt_store
from prompt_store.exceptions import EmbeddingKeyRefused
from services.models import Publication, VideoRequest
from services.run_tags import user_from_tags
from services.storyboard import PlannerPrompt
from tasks.resume import PERMANENT_ERRORS, result_storage, retry_unless

# a dropped database connection heals on a retry (tests/faults/test_database_restart.py); a refused key does not
STORE_RETRIES = {
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_condition_fn": retry_unless(*PERMANENT_ERRORS, EmbeddingKeyRefused),
}


@task(
    name="record_request",
    cache_policy=INPUTS + RUN_ID,
    persist_result=True,
    result_storage=result_storage(),
    **STORE_RETRIES,
)
def record_request(request: VideoRequest, user_prompt_id: int | None = None) -> int:
    """Record the user's request (once per flow run, retries included); a queued one keeps its id."""
    if user_prompt_id is not None:
        return user_prompt_id
    metadata = request.model_dump(mode="json", exclude={"prompt", "language"})
    username = user_from_tags(flow_run.tags or []) or "cli"  # a run the REST API started belongs to its caller
    return prompt_store.get_store().record_user_prompt(
        request.prompt, language=request.language, metadata=metadata, username=username
    )


@task(name="load_system_prompt", **STORE_RETRIES)
def load_system_prompt(name: str = prompt_store.STORYBOARD_SYSTEM) -> PlannerPrompt:
    """The active version of the storyboard system prompt: a rollback in the store changes the next run."""
    prompt_store.get_store().ensure_default_prompts()
    active = prompt_store.get_store().get_active_prompt(name)
    return PlannerPrompt(name=active.name, version=active.version, text=active.text, parameters=active.parameters)


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
