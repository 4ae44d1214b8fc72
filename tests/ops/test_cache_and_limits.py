"""Task tags that concurrency limits gate, and the cache keys of the planning steps, on a real (temporary) server."""

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import TaskRun

from flows.prompt_to_video import prompt_to_video
from services.media import KNOWN
from services.models import PublishTarget
from services.settings import get_settings
from tasks.compose import compose_video
from tasks.images import generate_scene_image
from tasks.limits import with_tags
from tasks.media import search_media
from tasks.narration import narrate_scene
from tasks.storyboard import generate_storyboard
from tests.fakes.stock_apis import FakeAPI

PROJECT_DIR = Path(__file__).resolve().parents[2]
SMALL = {"aspect": "1:1", "duration_s": 5}
ANSWER_S = 0.2
"""How long the fake providers take to answer a search."""


def task_runs(flow_run_id, name: str) -> list[TaskRun]:  # noqa: ANN001 - a UUID
    async def read() -> list[TaskRun]:
        async with get_client() as client:
            only = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            return await client.read_task_runs(flow_run_filter=only)

    return sorted((r for r in asyncio.run(read()) if r.task_key.startswith(name)), key=lambda r: r.start_time)


def test_extra_tags_add_to_the_task_own() -> None:
    assert with_tags(search_media, {"pexels", "pixabay"}).tags == {"stock-media", "pexels", "pixabay"}
    assert with_tags(search_media, set()).tags == {"stock-media"}
    assert with_tags(search_media, {"pexels"}, refresh_cache=True).refresh_cache is True


def test_every_limit_the_docs_create_gates_a_step() -> None:
    """Each `prefect concurrency-limit create TAG` of the docs and docker-compose names a tag some step carries."""
    docs = [PROJECT_DIR / "docs" / "prefect-server.md", PROJECT_DIR / "docs" / "providers.md"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in [*docs, PROJECT_DIR / "docker-compose.yml"])
    created = set(re.findall(r"concurrency-limit create\s+([\w-]+)", text))
    static = {*search_media.tags, *compose_video.tags, *generate_storyboard.tags, *narrate_scene.tags}
    static |= generate_scene_image.tags
    dynamic = {"openai", *KNOWN, *get_args(PublishTarget)}  # planner/voice with a key, providers, publish targets
    assert {"stock-media", "openai", "youtube", "compose", "openai-images"} <= created
    assert created <= static | dynamic


@pytest.fixture
def one_search_at_a_time(prefect_harness: None) -> Iterator[None]:
    async def create() -> None:
        async with get_client() as client:
            await client.create_concurrency_limit(tag="stock-media", concurrency_limit=1)

    async def delete() -> None:
        async with get_client() as client:
            await client.delete_concurrency_limit_by_tag("stock-media")

    asyncio.run(create())
    yield
    asyncio.run(delete())


def test_a_stock_media_limit_of_one_serialises_the_searches(
    settings, one_search_at_a_time: None, stock_env: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen from the providers' side: with a limit of 1 no search request arrives while another is answered.

    (Task-run timestamps cannot show this: Prefect releases the slot before the Completed state is recorded.)"""
    for name in ("OPENAI_API_KEY", "DEPOSITPHOTOS_API_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("P2V_MEDIA_PROVIDERS", "pexels,pixabay")
    get_settings.cache_clear()
    stock_env.latency_s = ANSWER_S
    state = prompt_to_video(prompt="Create a video about red foxes in snow", scenes=3, **SMALL, return_state=True)
    assert state.is_completed(), state.message

    searches = task_runs(state.state_details.flow_run_id, "search_media")
    assert len(searches) == 3 and all("stock-media" in r.tags for r in searches)
    arrivals = sorted(r.at for r in [*stock_env.requests("pexels"), *stock_env.requests("pixabay")])
    assert len(arrivals) >= 3
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert min(gaps) >= ANSWER_S, f"a search request arrived while another was being answered: {gaps}"


def test_fresh_replans_and_publish_target_does_not(settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("P2V_YOUTUBE_TOKEN_FILE", str(tmp_path / "no-token.json"))
    prompt = "Create a video about lighthouses in fog"

    def storyboard_state(**params: object) -> tuple[str, object]:
        state = prompt_to_video(prompt=prompt, scenes=2, **SMALL, **params, return_state=True)
        [run] = task_runs(state.state_details.flow_run_id, "generate_storyboard")
        return run.state.name, state

    first, made = storyboard_state()
    again, remade = storyboard_state()
    fresh, refreshed = storyboard_state(fresh=True)
    elsewhere, _ = storyboard_state(publish_target="youtube")  # fails at publish (no token), after the storyboard

    assert made.is_completed() and remade.is_completed() and refreshed.is_completed()
    assert (first, again) == ("Completed", "Cached")
    assert remade.result().url == made.result().url
    assert fresh == "Completed", "fresh ran generate_storyboard again"
    assert elsewhere == "Cached", "another publish target reused the storyboard"
