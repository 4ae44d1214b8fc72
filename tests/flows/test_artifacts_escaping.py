"""Prompt and LLM text in markdown artifacts shows as text; a local video's link reads as its path."""

import os
from pathlib import Path

from markdown_it import MarkdownIt

from flows.artifacts import _cell, escape_markdown, local_video_text

EVIL = "![x](http://evil) <script>alert(1)</script> [click](javascript:alert(1)) | PEXELS_API_KEY"


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_image_links_and_html_from_a_prompt_render_as_their_own_text() -> None:
    rendered = _html(f"# {escape_markdown(EVIL)}\n\n| a |\n|---|\n| {_cell(EVIL)} |\n")

    assert "<img" not in rendered and "<script" not in rendered and "<a " not in rendered
    assert "PEXELS_API_KEY" in rendered
    assert rendered.count("![x](http://evil) &lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert rendered.count("<td>") == 1, "a | in the text does not open a new cell"


def test_plain_text_stays_readable() -> None:
    assert _html(escape_markdown("Foxes in snow, 2024 edition.")) == "<p>Foxes in snow, 2024 edition.</p>\n"


def test_a_local_video_link_reads_as_its_path(tmp_path: Path) -> None:
    video = tmp_path / "out_put" / "my-video" / "video.mp4"
    text = local_video_text(video.as_uri())

    shown = os.path.relpath(video) if video.is_relative_to(Path.cwd()) else str(video)
    assert _html(text) == f"<p>{shown}</p>\n", "the path reads as it is, underscores included"
