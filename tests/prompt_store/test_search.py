"""Search quality with the real local model, filters, full-text and hybrid fusion."""

import pytest

from prompt_store.exceptions import InvalidPromptInput
from prompt_store.store import PromptStore
from tests.prompt_store.corpus import PROMPTS, QUERIES


@pytest.fixture(scope="module", autouse=True)
def corpus(store: PromptStore) -> None:
    for name, (prompt_type, tags, text) in PROMPTS.items():
        store.add_prompt(name, text, prompt_type=prompt_type, tags=tags)
    store.commit("poem.haiku", "Compose a haiku about cherry blossoms in spring.", message="season change")


def _top1_accuracy(store: PromptStore, mode: str) -> tuple[float, list[str]]:
    misses = []
    for query, expected in QUERIES.items():
        hits = store.search(query, mode=mode, k=5)
        if not hits or hits[0].name != expected:
            misses.append(f"{query!r}: wanted {expected}, got {[h.name for h in hits[:3]]}")
    return 1 - len(misses) / len(QUERIES), misses


def test_corpus_is_big_enough() -> None:
    assert len(PROMPTS) >= 20 and len(QUERIES) >= 20
    assert set(QUERIES.values()) <= set(PROMPTS)


def test_semantic_top1_is_at_least_90_percent(store: PromptStore) -> None:
    accuracy, misses = _top1_accuracy(store, "semantic")
    assert accuracy >= 0.9, misses


def test_hybrid_is_at_least_as_good_as_semantic(store: PromptStore) -> None:
    semantic, _ = _top1_accuracy(store, "semantic")
    hybrid, misses = _top1_accuracy(store, "hybrid")
    assert hybrid >= semantic, misses


def test_hits_carry_prompt_version_and_score(store: PromptStore) -> None:
    hits = store.search("haiku poem about the seasons", mode="semantic", k=3, all_versions=True)
    haiku = [h for h in hits if h.name == "poem.haiku"]
    assert {h.version for h in haiku} == {1, 2}
    assert [h.is_active for h in sorted(haiku, key=lambda h: h.version)] == [False, True]
    assert all(0 < h.score <= 1 for h in hits) and hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize("mode", ["semantic", "fulltext", "hybrid"])
def test_results_are_one_row_per_prompt_showing_the_active_version(store: PromptStore, mode: str) -> None:
    hits = store.search("haiku poem about cherry blossoms", mode=mode, k=5)
    assert len({h.name for h in hits}) == len(hits)
    haiku = next(h for h in hits if h.name == "poem.haiku")
    assert (haiku.version, haiku.is_active, haiku.active_version) == (2, True, 2)
    assert sorted(haiku.matched_versions) == [1, 2]


def test_fulltext_matches_stemmed_words(store: PromptStore) -> None:
    hits = store.search("subtitles translated", mode="fulltext")
    assert hits[0].name == "tool.translate"
    assert store.search("xylophone zeppelin", mode="fulltext") == []


def test_fulltext_matches_any_word_every_word_first(store: PromptStore) -> None:
    """A natural-language query rarely has all its words in one prompt: any shared word finds it."""
    hits = store.search("please find me the subtitles xylophone", mode="fulltext")
    assert hits and hits[0].name == "tool.translate"


def test_the_any_word_tier_follows_the_every_word_rows_without_repeating_them(store: PromptStore) -> None:
    hits = store.search("subtitles timing", mode="fulltext", k=30, all_versions=True)  # the recipe: "timings"
    keys = [(h.name, h.version) for h in hits]
    every = [h for h in hits if h.score > 1]
    assert every and hits[: len(every)] == every  # every-word rows first
    assert len(hits) > len(every) and all(0 < h.score <= 1 for h in hits[len(every) :])
    assert len(keys) == len(set(keys))


def test_fulltext_stems_russian_and_ignores_accents(store: PromptStore) -> None:
    store.add_prompt("ru.borscht", "Сними видео-рецепт борща со свёклой и сметаной.", prompt_type="template")
    store.add_prompt("fr.cafe", "Décris un café parisien le matin.", prompt_type="template")
    assert store.search("рецепты борщей", mode="fulltext")[0].name == "ru.borscht"
    assert store.search("свекла", mode="fulltext")[0].name == "ru.borscht"
    assert store.search("cafe parisien", mode="fulltext")[0].name == "fr.cafe"


def test_names_are_found_by_trigrams(store: PromptStore) -> None:
    hits = store.search("storybord histry", mode="hybrid", k=3)
    assert hits[0].name == "storyboard.history"


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_filters_are_honoured_and_still_return_k(store: PromptStore, mode: str) -> None:
    education = {n for n, (_, tags, _) in PROMPTS.items() if "education" in tags}
    hits = store.search("cooking dinner recipe", mode=mode, k=4, tags=["education"])
    assert len(hits) == 4 and {h.name for h in hits} <= education

    tools = store.search("stock footage", mode=mode, k=10, prompt_type="tool")
    assert {h.name for h in tools} == {n for n, (t, _, _) in PROMPTS.items() if t == "tool"}

    both = store.search("video", mode=mode, k=10, prompt_type="system", tags=["video", "education"])
    assert {h.name for h in both} == {"storyboard.history", "storyboard.science"}


def test_bad_search_input(store: PromptStore) -> None:
    with pytest.raises(InvalidPromptInput):
        store.search("   ")
    with pytest.raises(InvalidPromptInput):
        store.search("x", prompt_type="poem")
    with pytest.raises(ValueError, match="semantic, fulltext, hybrid"):
        store.search("x", mode="unknown")  # type: ignore[arg-type]
    with pytest.raises(InvalidPromptInput) as info:
        store.search("word " * 20_000)
    assert "word" not in str(info.value) and len(str(info.value).splitlines()) == 1


def test_long_prompts_are_embedded_whole(minilm) -> None:  # noqa: ANN001
    """MiniLM reads 256 word pieces: a long prompt is chunked and averaged, so its end still counts."""
    filler = "Describe the weather in a calm and neutral way. " * 60
    head_only, whole, query = minilm.embed([filler, filler + " An erupting volcano with lava flows.", "volcano lava"])
    with_end = sum(q * w for q, w in zip(query, whole, strict=True))
    truncated = sum(q * h for q, h in zip(query, head_only, strict=True))  # what a 256-piece cut would give
    assert with_end > truncated + 0.02


def test_similar_user_prompts(store: PromptStore) -> None:
    first = store.record_user_prompt("a video about baking sourdough bread at home", username="ana")
    store.record_user_prompt("the history of the roman empire", username="bo")
    store.record_user_prompt("how to knead dough and bake a loaf", username="cy")

    hits = store.similar_user_prompts("making bread in my kitchen", k=2)
    assert {h.id for h in hits} >= {first} and all("bread" in h.text or "loaf" in h.text for h in hits)
    assert first not in {h.id for h in store.similar_user_prompts("sourdough", exclude_id=first)}


def test_hybrid_finds_exact_identifiers_that_embeddings_blur(store: PromptStore) -> None:
    store.add_prompt("release.notes", "Write release notes for the QX7 firmware.", prompt_type="template")

    lexical = store.search("QX7", mode="fulltext")
    hybrid = store.search("QX7", mode="hybrid", k=3)

    assert [h.name for h in lexical] == ["release.notes"]
    assert hybrid[0].name == "release.notes"
