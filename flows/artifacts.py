"""What a run leaves in the Prefect UI: the storyboard, the chosen media, the video."""

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from services.models import Publication, RenderedVideo, Storyboard, Timeline


def storyboard_artifact(storyboard: Storyboard) -> None:
    rows = "\n".join(
        f"| {s.index} | {s.duration_s:.1f} s | {_cell(s.narration)} | {_cell(s.visual_query)} |"
        for s in storyboard.scenes
    )
    create_markdown_artifact(
        key="storyboard",
        markdown=f"# {storyboard.title}\n\nLanguage: `{storyboard.language}`, aspect {storyboard.aspect}\n\n"
        f"| # | duration | narration | visual query |\n|---|---|---|---|\n{rows}\n",
        description="Storyboard of this run",
    )


def media_artifact(timeline: Timeline) -> None:
    create_table_artifact(
        key="chosen-media",
        table=[
            {
                "scene": c.scene.index,
                "provider": c.asset.provider,
                "kind": c.asset.kind,
                "score": c.asset.score,
                "license": c.asset.license,
                "attribution": c.asset.attribution,
                "source": c.asset.source_url,
            }
            for c in timeline.clips
        ],
        description="Media chosen for each scene",
    )


def fallback_artifact(fallbacks: list[tuple[int, str]]) -> None:
    """A warning listing the scenes that got a generated visual instead of footage, and why."""
    if not fallbacks:
        return
    rows = "\n".join(f"| {index} | {_cell(reason)} |" for index, reason in fallbacks)
    create_markdown_artifact(
        key="media-fallbacks",
        markdown=f"# Warning: {len(fallbacks)} scene(s) fell back to generated visuals\n\n"
        f"| scene | why |\n|---|---|\n{rows}\n",
        description="Scenes whose media search failed or found nothing",
    )


def video_artifact(video: RenderedVideo, publication: Publication, *, asked_s: float | None = None) -> None:
    length = f"{video.duration_s:.1f} s" + (f" (asked {asked_s:g} s)" if asked_s else "")
    create_link_artifact(
        key="video",
        link=publication.url,
        link_text=f"{publication.target}: {publication.external_id}",
        description=f"{video.width}x{video.height}, {length}, sha256 {video.sha256[:12]}",
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
