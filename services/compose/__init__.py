"""Video composition with the bundled ffmpeg."""

from services.compose.render import Composer, file_sha256
from services.settings import Settings

__all__ = ["Composer", "build_composer", "file_sha256"]


def build_composer(settings: Settings) -> Composer:
    return Composer(
        timeout_s=settings.ffmpeg_timeout_s,
        preset=settings.x264_preset,
        crf=settings.x264_crf,
        transition=settings.transition,
        motion=settings.ken_burns,
        music_cache_dir=settings.cache_dir / "music",
    )
