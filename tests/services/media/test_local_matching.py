"""Local media matched by meaning: inflections, generic hint words, relevance floor; real files, real probing."""

import json
from pathlib import Path

import pytest

from services.embeddings import Embedder, KeywordEmbedder, MiniLMEmbedder
from services.media.local import LocalFolderProvider, MediaFile
from services.models import Scene
from tests.media_checks import make_still

EMBEDDERS = [pytest.param(KeywordEmbedder(), id="keywords"), pytest.param(MiniLMEmbedder(), id="minilm")]


def _scene(query: str, narration: str = "", index: int = 0) -> Scene:
    return Scene(index=index, narration=narration, visual_query=query, duration_s=5)


def _names(provider: LocalFolderProvider, scene: Scene) -> list[str]:
    return [a.local_path.name for a in provider.search(scene, aspect="16:9")]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    make_still(tmp_path / "IMG_0101.jpg", colour="black")
    (tmp_path / "IMG_0101.txt").write_text("Чёрная дыра в далёком космосе", encoding="utf-8")
    make_still(tmp_path / "IMG_0102.jpg", colour="green")
    (tmp_path / "IMG_0102.json").write_text(
        json.dumps({"keywords": ["calm", "cup", "tea"], "description": "a calm morning with green tea"})
    )
    make_still(tmp_path / "IMG_0103.jpg", colour="blue")  # no sidecar: nothing describes it, never a candidate
    return tmp_path


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_russian_inflections_match(folder: Path, embedder: Embedder) -> None:
    provider = LocalFolderProvider(folder, embedder=embedder)
    scene = _scene("чёрные дыры", "Чёрные дыры поглощают даже свет.")
    assert _names(provider, scene) == ["IMG_0101.jpg"]


@pytest.mark.parametrize("embedder", EMBEDDERS)
def test_a_hint_word_never_decides_a_match(folder: Path, embedder: Embedder) -> None:
    provider = LocalFolderProvider(folder, embedder=embedder)
    closing = _scene("черные дыры sunset calm ending", "Вот и всё о чёрных дырах. Спасибо за просмотр!")
    assert _names(provider, closing) == ["IMG_0101.jpg"], "the tea photo shares only 'calm' with the scene"
    english = _scene("calm wide shot of a supermassive black hole", "A black hole bends light around it.")
    assert "IMG_0102.jpg" not in _names(provider, english)
    assert _names(provider, _scene("calm overview concept", "Let's talk about it.")) == []


def test_meaning_beats_shared_words() -> None:
    """MiniLM knows a young dog in grass is a puppy on a lawn; "lawn bowls" shares a word but not the meaning."""
    provider = LocalFolderProvider(Path("unused"), embedder=MiniLMEmbedder())
    dog = MediaFile(path=Path("a.jpg"), kind="image", text="young dog running after a ball in the backyard grass")
    bowls = MediaFile(path=Path("b.jpg"), kind="image", text="elderly men at a lawn bowls tournament")
    unrelated = MediaFile(path=Path("c.jpg"), kind="image", text="city skyline at night")
    scores = provider.relevance(
        _scene("puppy playing on a lawn", "The little dog chases a ball."), [dog, bowls, unrelated]
    )
    assert scores[0] > scores[1] > 0
    assert scores[2] == 0, "weak on both signals: no candidate"


def test_unrelated_files_are_no_candidates_for_either_embedder(folder: Path) -> None:
    for embedder in (KeywordEmbedder(), MiniLMEmbedder()):
        provider = LocalFolderProvider(folder, embedder=embedder)
        assert _names(provider, _scene("volcano eruption at night", "Lava flows down the mountain.")) == []
