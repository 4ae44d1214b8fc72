"""The whole flow with the fake OpenAI Images endpoint: scenes stock footage misses get drawn pictures, labelled.

Scenes 1 and 3 ask for things the fake stock catalogue (foxes) does not hold, so their best stock candidate scores 0
and, with a key and the default P2V_IMAGE_GENERATION (auto = fallback), they are drawn. The fake draws the first
colour word of the prompt, so a frame taken in the middle of those scenes must show that colour, not a card.
"""

import json
import subprocess
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import numpy as np
import pytest

from services.settings import get_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.openai_images import COLOURS
from tests.fakes.stock_apis import ALL_KEYS, FakeAPI, Item
from tests.fakes.youtube import FakeYouTube
from tests.media_checks import FFMPEG

SCENES = [
    ("Red foxes live in the snow.", "red fox snow", 2.0),
    ("Far away, jellyfish glow in the deep sea.", "magenta jellyfish glowing", 2.0),
    ("Fox cubs play in spring.", "fox cubs playing", 2.0),
    ("A submarine dives past them.", "yellow submarine diving", 2.0),
]
DRAWN = {1: "magenta", 3: "yellow"}


@pytest.fixture
def images_env(stock_env: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    monkeypatch.setenv("P2V_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("P2V_MEDIA_DIR", str(tmp_path / "no-media"))
    monkeypatch.delenv("P2V_IMAGE_GENERATION")  # the default: fallback, since a key is set
    monkeypatch.delenv("DEPOSITPHOTOS_API_KEY")
    get_settings.cache_clear()
    stock_env.catalogue = [
        Item(1, "red fox snow", file="video-a.mp4"),
        Item(2, "fox snow hunting", file="video-b.mp4"),
        Item(3, "fox cubs playing", file="video-c.mp4"),
    ]
    stock_env.storyboards.append(storyboard_json(SCENES, title="Foxes and the sea"))
    return stock_env


def _run(tmp_path: Path, **params: object):  # noqa: ANN202
    from flows.prompt_to_video import prompt_to_video

    out = get_settings().output_dir / tmp_path.name
    params = {"prompt": "Foxes, and what swims far away", "scenes": 4, **params}
    state = prompt_to_video(output_dir=out, return_state=True, **params)
    return state.state_details.flow_run_id, state.result()


def _artifacts(flow_run_id) -> dict[str, object]:  # noqa: ANN001
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key or "": a for a in found}


def frame_top(video: Path, at_s: float, png: Path) -> np.ndarray:
    """The upper half (captions sit low) of the frame at `at_s`, at 480x270; the frame is kept as a PNG."""
    subprocess.run([FFMPEG, "-v", "error", "-y", "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1", str(png)],
                   check=True, timeout=60)  # fmt: skip
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(png), "-vf", "scale=480:270", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(270, 480, 3)[:135].astype(int)


def test_scenes_stock_misses_show_drawn_pictures_labelled_everywhere(images_env: FakeAPI, tmp_path: Path) -> None:
    flow_run_id, publication = _run(tmp_path)
    folder = Path(url2pathname(urlparse(publication.url).path)).parent
    metadata = json.loads((folder / "metadata.json").read_text())

    scenes = metadata["scenes"]
    assert [s["media"]["provider"] == "openai-images" for s in scenes] == [False, True, False, True]
    assert [s["ai_generated"] for s in scenes] == [False, True, False, True]
    assert not any(s["generated_fallback"] for s in scenes), "no scene fell back to a card"
    assert metadata["ai_generated_images"]["count"] == 2 and metadata["ai_generated_images"]["scenes"] == [1, 3]
    assert "AI-generated images in scenes 2, 4." in metadata["description"]

    requests = [json.loads(r.body) for r in images_env.requests("images")]
    assert len(requests) == 2
    assert {r["size"] for r in requests} == {"1536x1024"} and {r["model"] for r in requests} == {"gpt-image-2"}
    styles = {r["prompt"].split("\n", 1)[1] for r in requests}
    assert len(styles) == 1 and "Foxes and the sea" in styles.pop(), "one style, from the storyboard, per video"
    assert all("Foxes, and what swims far away" not in r["prompt"] for r in requests)
    assert sorted(r["prompt"].split(".")[0] for r in requests) == [
        "Show: magenta jellyfish glowing",
        "Show: yellow submarine diving",
    ]

    for index, colour in DRAWN.items():
        start, length = scenes[index]["start_s"], scenes[index]["duration_s"]
        early = frame_top(folder / "video.mp4", start + 0.3 * length, tmp_path / f"scene-{index}-early.png")
        late = frame_top(folder / "video.mp4", start + 0.7 * length, tmp_path / f"scene-{index}-late.png")
        seen = np.median(late.reshape(-1, 3), axis=0)
        assert np.abs(seen - np.array(COLOURS[colour])).max() < 40, f"scene {index} shows {seen}, not {colour}"
        assert np.abs(early - late).mean() > 2, f"scene {index}: the still does not move (no Ken Burns)"

    artifact = _artifacts(flow_run_id)["generated-images"]
    assert artifact.description.startswith("2 image(s) made with gpt-image-2 (1536x1024, quality medium), 0 reused")
    assert "media-fallbacks" not in _artifacts(flow_run_id)


def test_a_refused_prompt_falls_back_to_stock_and_the_run_says_why(images_env: FakeAPI, tmp_path: Path) -> None:
    images_env.storyboards[0] = storyboard_json(
        [SCENES[0], ("Sharks feed.", "magenta gore shark feeding", 2.0)], title="Foxes and sharks"
    )
    flow_run_id, publication = _run(tmp_path, scenes=2)
    folder = Path(url2pathname(urlparse(publication.url).path)).parent
    metadata = json.loads((folder / "metadata.json").read_text())

    assert metadata["scenes"][1]["media"]["provider"] in {"pexels", "pixabay"}, "weak stock is the next option"
    assert metadata["ai_generated_images"]["count"] == 0
    assert "AI-generated" not in metadata["description"]
    table = json.loads(_artifacts(flow_run_id)["generated-images"].data)
    assert table == [
        {"scene": 1, "image": "failed", "shown": "stock", "tokens": None,
         "why": "openai-images: HTTP 400: refused by the content policy (moderation_blocked)"},
    ]  # fmt: skip
    assert not any(key in json.dumps(table) for key in ALL_KEYS)


def test_the_youtube_request_discloses_synthetic_media(
    images_env: FakeAPI, fake_youtube: FakeYouTube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = fake_youtube.write_token_file(tmp_path / "token.json")
    env = {"API_URL": fake_youtube.base_url, "TOKEN_URI": fake_youtube.token_uri, "TOKEN_FILE": str(token_file),
           "RETRY_BASE_S": "0.01", "MAX_RETRIES": "2"}  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(f"P2V_YOUTUBE_{key}", value)
    get_settings.cache_clear()

    _run(tmp_path, publish_target="youtube")

    [sent] = fake_youtube.received_metadata
    assert sent["status"]["containsSyntheticMedia"] is True
    assert "AI-generated images in scenes 2, 4." in sent["snippet"]["description"]


def test_a_scene_without_stock_whose_drawing_fails_keeps_its_card_and_the_reason(images_env: FakeAPI) -> None:
    from prefect import flow

    from flows.images import draw_scenes
    from services.models import Scene, Storyboard

    scenes = [Scene(index=i, narration=n, visual_query=q, duration_s=d) for i, (n, q, d) in enumerate(SCENES[1:3])]
    scenes[0] = scenes[0].model_copy(update={"visual_query": "magenta gore"})
    board = Storyboard(title="Sea", description="", language="en", aspect="9:16", scenes=scenes)

    @flow
    def draw() -> tuple:
        return draw_scenes(board, [[], []], [(0, "no candidate fits the scene"), (1, "no candidate fits the scene")])

    candidates, fallbacks = draw()
    assert candidates[0] == [] and [a.provider for a in candidates[1]] == ["openai-images"]
    assert (candidates[1][0].width, candidates[1][0].height) == (1024, 1536)
    assert fallbacks == [
        (0, "no candidate fits the scene; image generation failed: "
            "openai-images: HTTP 400: refused by the content policy (moderation_blocked)"),
    ]  # fmt: skip
