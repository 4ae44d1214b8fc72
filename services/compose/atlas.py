"""Each still's pan phase atlas built once per render and shared by the segments that show the still.

A still's smooth pan (kenburns.py) starts from a "phase atlas": PHASES shifted copies of the scaled still, ~0.3 s
of CPU at 1080p. In a segmented render each still is shown by two segments, its own (the body) and the next one
(the tail blended into the next scene), so without sharing every atlas but the last is built twice. Here the first
segment that needs an atlas writes it to a raw yuv420p file (~27 MB at 1080p) and the other reads it back: the same
pixels, so the segment's bytes do not change. An atlas is deleted as soon as the last segment using it is done.
"""

import hashlib
import json
import os
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import ffmpeg

from services.compose.kenburns import PHASES, Shot, atlas_layout, atlas_size, atlas_source
from services.ffmpeg import run_ffmpeg


def atlas_key(shot: Shot, *, width: int, height: int) -> str:
    """What shapes an atlas: the still, the frame size and the atlas's layout (it follows the pan's axis; the pan's
    direction and speed only move the crop)."""
    box_w, box_h, horizontal = atlas_layout(shot, width=width, height=height)
    content = [shot.path, width, height, list(atlas_size(box_w, box_h, horizontal=horizontal)), PHASES]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:32]


class AtlasStore:
    """The phase atlases of one render in `folder`; `uses` counts, per atlas key, the segments that read it."""

    def __init__(self, folder: Path, uses: Counter[str], *, timeout_s: float, global_args: list[str]) -> None:
        self.folder = folder
        self.timeout_s = timeout_s
        self.global_args = global_args
        self.built = 0
        """How many atlases this store has built."""
        self._uses = Counter(uses)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def prepare(self, shots: Iterable[Shot], *, width: int, height: int) -> dict[str, Path]:
        """The atlas file of each shot by key, built now when no segment built it yet and another one will need it.

        A segment building an atlas holds its lock, so a second segment needing it waits (~0.3 s of one core)
        instead of building it again.
        """
        paths = {}
        for shot in shots:
            key = atlas_key(shot, width=width, height=height)
            with self._lock(key):
                path = self._path(key)
                if not path.is_file():
                    if self._uses[key] < 2:
                        continue  # no other segment will read it: cheaper built inside the segment's graph
                    self._build(shot, path, width=width, height=height)
                paths[key] = path
        return paths

    def build(self, shot: Shot, *, width: int, height: int) -> Path:
        """The atlas file of `shot`, built now unless it exists, whoever else needs it (the one-graph composer)."""
        key = atlas_key(shot, width=width, height=height)
        path = self._path(key)
        with self._lock(key):
            if not path.is_file():
                self._build(shot, path, width=width, height=height)
        return path

    def release(self, keys: Iterable[str]) -> None:
        """A segment is done with these atlases: delete those no other segment still needs."""
        with self._guard:
            for key in keys:
                self._uses[key] -= 1
                if self._uses[key] <= 0:
                    self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / f"atlas-{key}.yuv"

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _build(self, shot: Shot, path: Path, *, width: int, height: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atlas = atlas_source(shot, width=width, height=height)
        partial = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.partial.yuv")
        output = ffmpeg.output(atlas, str(partial), f="rawvideo", pix_fmt="yuv420p", **{"frames:v": 1})
        try:
            args = ["-loglevel", "error", *self.global_args, *output.get_args()]
            run_ffmpeg(args, timeout_s=self.timeout_s, what=f"building the pan atlas (of {Path(shot.path).name})")
            os.replace(partial, path)
            with self._guard:
                self.built += 1
        finally:
            partial.unlink(missing_ok=True)
