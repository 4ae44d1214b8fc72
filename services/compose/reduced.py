"""Decoding a large JPEG at 1/2, 1/4 or 1/8 of its size when only a small picture is made of it.

The thumbnail and the contact sheet's tiles are a few hundred pixels high; a stock photo is often 4000+ pixels
wide. The JPEG decoder's `lowres` scales the DCT blocks themselves while decoding, so most of the decode is never
done. The reduction is chosen from the file's own frame header (never the provider's advertised size, which may
describe another rendition), and only while the decoded picture still covers the target in either orientation
(EXIF rotation may swap the sides): the final bicubic scale always goes down, never up.
"""

from pathlib import Path

JPEG_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif"}
MAX_LOWRES = 3
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_HEADER_BYTES = 1 << 20


def lowres_option(path: Path | str, width: int, height: int) -> dict[str, int]:
    """ffmpeg input options decoding `path` as small as still covers width x height: {"lowres": k} or {}."""
    if Path(path).suffix.lower() not in JPEG_SUFFIXES:
        return {}
    size = jpeg_size(Path(path))
    if size is None:
        return {}
    short, need = min(size), max(width, height)  # covering in both orientations: the short side >= the long need
    level = 0
    while level < MAX_LOWRES and (short >> (level + 1)) >= need:
        level += 1
    return {"lowres": level} if level else {}


def jpeg_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a baseline or progressive JPEG's frame header; None when it is not found."""
    try:
        with path.open("rb") as file:
            data = file.read(_HEADER_BYTES)
    except OSError:
        return None
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker in _SOF_MARKERS:
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return (width, height) if width and height else None
        at += 2 + length
    return None
