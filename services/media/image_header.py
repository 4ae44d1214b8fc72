"""An image's width and height read from its header (PNG, JPEG, WebP, BMP), without decoding a pixel.

A 797 KB PNG can declare 16000x16000 pixels: a decoder would allocate about a gigabyte for it. Reading the few
header bytes first lets the local media folder skip such a file before ffmpeg ever opens it.
"""

import struct
from pathlib import Path
from typing import BinaryIO

from services.exceptions import MediaError

JPEG_MAX_SEGMENTS = 1000
"""Markers walked before the frame header: APPn/EXIF blocks come first, rarely more than a dozen."""
_JPEG_FRAME_MARKERS = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)})
_JPEG_NO_LENGTH = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the header; MediaError when the header is not one of the known formats or is cut."""
    with path.open("rb") as handle:
        head = handle.read(32)
        try:
            if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
                return struct.unpack(">II", head[16:24])
            if head.startswith(b"\xff\xd8"):
                return _jpeg_size(handle)
            if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
                return _webp_size(head)
            if head.startswith(b"BM"):
                return _bmp_size(head)
        except struct.error:
            pass
    raise MediaError(f"{path.name}: no readable PNG, JPEG, WebP or BMP header")


def _jpeg_size(handle: BinaryIO) -> tuple[int, int]:
    handle.seek(2)
    for _ in range(JPEG_MAX_SEGMENTS):
        byte = handle.read(1)
        while byte == b"\xff":  # fill bytes before a marker
            byte = handle.read(1)
        if not byte:
            break
        marker = byte[0]
        if marker in _JPEG_NO_LENGTH:
            continue
        (length,) = struct.unpack(">H", handle.read(2))
        if marker in _JPEG_FRAME_MARKERS:
            _precision, height, width = struct.unpack(">BHH", handle.read(5))
            return width, height
        handle.seek(length - 2, 1)
    raise struct.error("no JPEG frame header")


def _webp_size(head: bytes) -> tuple[int, int]:
    chunk = head[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        (bits,) = struct.unpack("<I", head[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    raise struct.error("unknown WebP chunk")


def _bmp_size(head: bytes) -> tuple[int, int]:
    (header_size,) = struct.unpack("<I", head[14:18])
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes
        return struct.unpack("<HH", head[18:22])
    width, height = struct.unpack("<ii", head[18:26])
    return abs(width), abs(height)  # a negative height means rows stored top-down
