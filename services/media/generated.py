"""Generated visuals: a distinct title card per scene when no footage matches, rendered by ffmpeg."""

import colorsys
import hashlib
import os
from pathlib import Path

import ffmpeg

from services.compose.fonts import BOLD_FONT
from services.ffmpeg import run_ffmpeg
from services.models import MediaAsset, Scene

GRADIENT_TYPES = ["linear", "radial", "circular", "spiral", "square"]


class GeneratedVisuals:
    """Renders a gradient card with the scene's visual query; colours and shape derive from a seed."""

    name = "generated"

    def __init__(self, cache_dir: Path, *, timeout_s: float = 60.0) -> None:
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s

    def generate(self, scene: Scene, *, width: int, height: int, seed: str) -> MediaAsset:
        digest = hashlib.sha256(f"{seed}|{scene.index}|{scene.visual_query}|{width}x{height}".encode()).hexdigest()
        path = self.cache_dir / "generated" / f"{digest[:24]}.png"
        if not path.exists():
            self._render(path, scene=scene, width=width, height=height, digest=digest)
        return MediaAsset(
            scene_index=scene.index,
            provider=self.name,
            kind="image",
            asset_id=f"generated:{digest[:24]}",
            source_url=path.resolve().as_uri(),
            local_path=path.resolve(),
            width=width,
            height=height,
            license="generated",
            score=0.0,
        )

    def _render(self, path: Path, *, scene: Scene, width: int, height: int, digest: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text_file = path.with_name(f".{path.stem}.{os.getpid()}.txt")
        text_file.write_text(scene.visual_query.upper()[:60], encoding="utf-8")
        number = int(digest[:12], 16)
        colours = [_colour((number >> (8 * i)) % 360, 0.55 + 0.1 * i, 0.35 + 0.2 * (i % 2)) for i in range(3)]
        card = ffmpeg.input(
            f"gradients=s={width}x{height}:c0={colours[0]}:c1={colours[1]}:c2={colours[2]}:n=3"
            f":seed={number % 100000}:type={GRADIENT_TYPES[number % len(GRADIENT_TYPES)]}",
            f="lavfi",
        ).drawtext(
            fontfile=str(BOLD_FONT),
            textfile=str(text_file),
            fontsize=max(32, min(width, height) // 14),
            fontcolor="white@0.85",
            x="(w-text_w)/2",
            y="h*0.18",
            borderw=2,
            bordercolor="black@0.4",
        )
        partial = path.with_name(f".{path.stem}.{os.getpid()}.png")
        args = ffmpeg.output(card, str(partial), vframes=1).get_args()
        run_ffmpeg(args, timeout_s=self.timeout_s, what=f"generating a visual for scene {scene.index}")
        os.replace(partial, path)
        text_file.unlink(missing_ok=True)


def _colour(hue: int, saturation: float, value: float) -> str:
    r, g, b = colorsys.hsv_to_rgb(hue / 360, min(saturation, 1.0), min(value, 1.0))
    return f"0x{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
