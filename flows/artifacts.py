"""What a run leaves in the Prefect UI: the storyboard, the chosen media, the video.

Text that comes from a prompt or an LLM (titles, narration, queries, error reasons) is escaped before it goes into
markdown: `![x](http://evil)` and `<script>` show as the text they are, never as an image, a link or HTML.
"""

import html
import os
import re
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from services.models import Publication, RenderedVideo, Storyboard, Timeline

_MARKDOWN_SPECIAL = re.compile(r"([\\`\[\]|])")  # what makes links, images, code and cells


def storyboard_artifact(storyboard: Storyboard) -> None:
    rows = "\n".join(
        f"| {s.index} | {s.duration_s:.1f} s | {_cell(s.narration)} | {_cell(s.visual_query)} |"
        for s in storyboard.scenes
    )
    create_markdown_artifact(
        key="storyboard",
        markdown=f"# {escape_markdown(storyboard.title)}\n\n"
        f"Language: `{storyboard.language}`, aspect {storyboard.aspect}\n\n"
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
    """A link to the video; a local one's text is its readable path, since browsers do not follow file:// links
    from the UI's http page (the REST API still reads the link's target)."""
    length = f"{video.duration_s:.1f} s" + (f" (asked {asked_s:g} s)" if asked_s else "")
    description = f"{video.width}x{video.height}, {length}, sha256 {video.sha256[:12]}"
    local = publication.url.startswith("file:")
    create_link_artifact(
        key="video",
        link=publication.url,
        link_text=local_video_text(publication.url) if local else f"{publication.target}: {publication.external_id}",
        description=f"{description}; on the machine that ran the flow" if local else description,
    )


def local_video_text(url: str) -> str:
    """A local video's path as text to copy: relative to the working folder when under it, else absolute."""
    path = Path(url2pathname(urlparse(url).path))
    shown = os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    return escape_markdown(shown)


def escape_markdown(text: str) -> str:
    """Text shown as itself in markdown: HTML escaped; brackets, backticks and pipes backslash-escaped.

    Emphasis characters (`*`, `_`) are left alone: at worst they style a word, and escaping them would clutter
    every key name (PEXELS_API_KEY) in the raw text.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _cell(text: str) -> str:
    return escape_markdown(text).replace("\n", " ").replace("\r", " ")
