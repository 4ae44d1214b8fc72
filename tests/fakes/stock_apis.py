"""Fake OpenAI, Pexels, Pixabay and Depositphotos servers on 127.0.0.1, answering like their documented APIs.

One threaded http.server (this module; each provider's answers in its own module: pexels, pixabay, depositphotos,
openai_api, openai_images); tests queue faults per route (429 + Retry-After, 500, slow answers, malformed JSON) and
read back every request it saw. Media files are real (made by ffmpeg) and served with Range support.
"""

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from services.ffmpeg import run_ffmpeg
from tests.fakes.depositphotos import DEPOSIT_KEY, depositphotos
from tests.fakes.openai_api import (
    OPENAI_KEY,
    Answer,
    ChatAnswer,
    chat,
    embeddings,
    speech,
    transcriptions,
)
from tests.fakes.openai_images import generations
from tests.fakes.pexels import PEXELS_KEY, pexels
from tests.fakes.pixabay import PIXABAY_KEY, pixabay

ALL_KEYS = (OPENAI_KEY, PEXELS_KEY, PIXABAY_KEY, DEPOSIT_KEY)


EDGE_BLOCK_PAGE = b"<html><title>Access denied | Error 1010</title>The owner of this website has banned your access based on your browser's signature.</html>"  # noqa: E501


@dataclass
class Fault:
    status: int = 500
    body: bytes = b'{"error": "injected"}'
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Item:
    """One stock item in a fake catalogue."""

    id: int
    words: str
    kind: str = "video"  # or "image"
    width: int = 1920
    height: int = 1080
    duration: float = 30.0
    file: str = "video-a.mp4"
    preview: str = ""  # Depositphotos: the small watermarked preview its search answer links to (default: `file`)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float


def make_media(folder: Path) -> Path:
    """Small real media files: distinct 960x540 videos and images (enough to cover 1080p at 2x)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in (("a", "red"), ("b", "green"), ("c", "blue"), ("d", "orange")):
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"color=c={colour}:s=960x540:d=2:r=15", "-c:v", "libx264", "-preset", "ultrafast",
             "-pix_fmt", "yuv420p", str(folder / f"video-{name}.mp4")],
            timeout_s=60, what="fake video",
        )  # fmt: skip
        run_ffmpeg(
            ["-f", "lavfi", "-i", f"color=c={colour}:s=960x540", "-frames:v", "1", str(folder / f"image-{name}.jpg")],
            timeout_s=60, what="fake image",
        )  # fmt: skip
    run_ffmpeg(
        ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.6", "-ac", "1", "-ar", "24000",
         str(folder / "speech.wav")],
        timeout_s=60, what="fake speech",
    )  # fmt: skip
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=c=gray:s=640x360:d=2:r=15", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", str(folder / "preview-640x360.mp4")],
        timeout_s=60, what="fake preview",
    )  # fmt: skip
    (folder / "broken.mp4").write_bytes(b"<html>not a video</html>")
    return folder


class FakeAPI:
    """The server, its catalogue, its fault queue and its request log."""

    def __init__(self, media: Path) -> None:
        self.media = media
        self.catalogue: list[Item] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.seen: list[Seen] = []
        self.storyboards: deque[str | ChatAnswer] = deque()
        self.latency_s = 0.0
        self.blocked_agents: tuple[str, ...] = ()  # User-Agent prefixes an edge in front of the APIs answers 403
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self, route: str, *faults: Fault) -> None:
        """Queue faults for a route ('pexels', 'pixabay', 'depositphotos', 'chat', 'speech',
        'transcriptions', 'images', 'files')."""
        self.faults[route].extend(faults)

    def reset(self) -> None:
        self.faults.clear()
        self.seen.clear()
        self.storyboards.clear()
        self.latency_s = 0.0
        self.blocked_agents = ()

    def matching(self, query: str, kind: str | None = None) -> list[Item]:
        """The catalogue's items sharing a word with `query`, all of them when none does (a search engine's
        answer to a vague query)."""
        wanted = set(query.lower().split())
        hits = [i for i in self.catalogue if (kind is None or i.kind == kind)]
        return [i for i in hits if wanted & set(i.words.lower().split())] or hits

    def requests(self, route: str) -> list[Seen]:
        return [s for s in self.seen if _route(s.path) == route]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _record(self, seen: Seen) -> Fault | None:
        with self._lock:
            self.seen.append(seen)
            queue = self.faults.get(_route(seen.path))
            return queue.popleft() if queue else None


def _route(path: str) -> str:
    return _openai_route(path) if path.startswith("/v1/") else path.strip("/").split("/")[0]


def _openai_route(path: str) -> str:
    names = {
        "/chat/completions": "chat",
        "/audio/speech": "speech",
        "/audio/transcriptions": "transcriptions",
        "/embeddings": "embeddings",
        "/images/generations": "images",
    }
    return next((name for suffix, name in names.items() if path.endswith(suffix)), "openai")


def _handler(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parsed = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
            headers = {name.title(): value for name, value in self.headers.items()}
            seen = Seen(self.command, parsed.path, query, headers, body, time.monotonic())
            fault = api._record(seen)
            if api.latency_s:
                time.sleep(api.latency_s)
            if fault is not None:
                time.sleep(fault.delay_s)
                return self._send(fault.status, fault.body, fault.headers)
            if api.blocked_agents and seen.headers.get("User-Agent", "").startswith(api.blocked_agents):
                return self._send(403, EDGE_BLOCK_PAGE, {"Content-Type": "text/html"})
            route = _route(parsed.path)
            handler = ROUTES.get(route)
            if handler is None:
                return self._send(404, b'{"error": "not found"}')
            status, payload, headers = handler(api, seen)
            self._send(status, payload, headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                headers = {"Content-Type": "application/json", **(headers or {})}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


def _files(api: FakeAPI, seen: Seen) -> Answer:
    path = api.media / seen.path.split("/files/", 1)[1]
    if not path.is_file():
        return 404, b"missing", {}
    data = path.read_bytes()
    wanted = seen.headers.get("Range", "")
    if wanted.startswith("bytes="):
        start = int(wanted[6:].split("-")[0])
        if start >= len(data):
            return 416, b"", {"Content-Range": f"bytes */{len(data)}"}
        return 206, data[start:], {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}",
                                   "Content-Type": "application/octet-stream"}  # fmt: skip
    return 200, data, {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}


ROUTES: dict[str, Callable[[FakeAPI, Seen], Answer]] = {
    "pexels": pexels,
    "pixabay": pixabay,
    "depositphotos": depositphotos,
    "chat": chat,
    "speech": speech,
    "transcriptions": transcriptions,
    "embeddings": embeddings,
    "images": generations,
    "files": _files,
}
