from services.embeddings import KeywordEmbedder, MiniLMEmbedder
from services.media.ranking import Candidate, rank
from services.models import MediaAsset, Scene
from services.timeline import choose_assets

SCENE = Scene(
    index=0,
    narration="The little dog chases a ball across the garden.",
    visual_query="puppy playing on a lawn",
    duration_s=5,
)


def _candidate(asset_id: str, words: str, scene_index: int = 0) -> Candidate:
    asset = MediaAsset(
        scene_index=scene_index, provider="pexels", kind="video", asset_id=asset_id,
        source_url=f"https://example.invalid/{asset_id}.mp4", width=1920, height=1080, duration_s=20,
    )  # fmt: skip
    return Candidate(asset=asset, words=words)


# Keyword overlap prefers the candidate sharing "playing" and "lawn"; only the first one shows a puppy.
CANDIDATES = [
    _candidate("young-dog", "young dog running after a ball in the backyard grass"),
    _candidate("lawn-bowls", "elderly men playing lawn bowls tournament"),
]


def test_keyword_overlap_alone_picks_the_wrong_candidate() -> None:
    ranked = rank(SCENE, CANDIDATES, embedder=KeywordEmbedder(), aspect="16:9", limit=2)
    assert ranked[0].asset_id == "lawn-bowls"


def test_semantic_ranking_picks_the_candidate_that_means_the_scene() -> None:
    ranked = rank(SCENE, CANDIDATES, embedder=MiniLMEmbedder(), aspect="16:9", limit=2)
    assert [a.asset_id for a in ranked] == ["young-dog", "lawn-bowls"]
    assert ranked[0].score > ranked[1].score


def test_no_asset_is_used_twice_when_alternatives_exist() -> None:
    embedder = KeywordEmbedder()
    scenes = [
        Scene(index=i, narration="Foxes in the snow.", visual_query="red fox snow", duration_s=5) for i in range(3)
    ]
    pool = ["red fox snow", "fox snow winter", "red fox running snow field"]
    candidates = [
        rank(
            s, [_candidate(f"v{j}", w, s.index) for j, w in enumerate(pool)], embedder=embedder, aspect="16:9", limit=3
        )
        for s in scenes
    ]
    assert all(c[0].asset_id == "v0" for c in candidates)  # every scene's favourite is the same clip
    chosen = choose_assets(candidates)
    assert sorted(a.asset_id for a in chosen.values()) == ["v0", "v1", "v2"]
