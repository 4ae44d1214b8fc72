"""A media file that never delivers its header is a typed MediaError at the probe's timeout, not a hang."""

import os
from pathlib import Path

import pytest

from services.exceptions import MediaError
from services.ffmpeg import probe


def test_probing_a_fifo_without_a_writer_is_a_media_error(tmp_path: Path) -> None:
    fifo = tmp_path / "stalled.mp4"
    os.mkfifo(fifo)
    with pytest.raises(MediaError, match="no answer within 1 s"):
        probe(fifo, timeout_s=1)
