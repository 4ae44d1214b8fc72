"""Fake OpenAI, Pexels, Pixabay and Depositphotos servers on 127.0.0.1, answering like their documented APIs.

One threaded http.server; tests queue faults per route (429 + Retry-After, 500, slow answers, malformed JSON) and
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
from tests.fakes.openai_api import (
    OPENAI_KEY,
    Answer,
    ChatAnswer,
    chat,
    embeddings,
    json_answer,
    speech,
    transcriptions,
)
from tests.fakes.openai_images import generations

PEXELS_KEY = "pexels-SECRET-KEY-0123456789"
PIXABAY_KEY = "pixabay-SECRET-KEY-0123456789"
DEPOSIT_KEY = "deposit-SECRET-KEY-0123456789"
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


def _matching(api: FakeAPI, query: str, kind: str | None = None) -> list[Item]:
    wanted = set(query.lower().split())
    hits = [i for i in api.catalogue if (kind is None or i.kind == kind)]
    # like a real search engine: anything sharing a word, and the whole catalogue for a vague query
    return [i for i in hits if wanted & set(i.words.lower().split())] or hits


def _pexels(api: FakeAPI, seen: Seen) -> Answer:
    if seen.headers.get("Authorization") != PEXELS_KEY:
        return 401, b'{"error": "Unauthorized"}', {}
    base = api.url
    if seen.path.endswith("/videos/search"):
        videos = [
            {
                "id": i.id, "width": i.width, "height": i.height, "duration": i.duration,
                "url": f"https://www.pexels.com/video/{i.words.replace(' ', '-')}-{i.id}/",
                "image": f"{base}/files/{i.file}.jpg", "user": {"id": 1, "name": "Pat Lens", "url": "https://x"},
                "video_files": [
                    {"id": i.id * 10, "quality": "hd", "file_type": "video/mp4", "width": i.width,
                     "height": i.height, "fps": 25, "link": f"{base}/files/{i.file}?pexels={i.id}"},
                ],
                "video_pictures": [],
            }
            for i in _matching(api, seen.query["query"], "video")
        ]  # fmt: skip
        return json_answer({"page": 1, "per_page": len(videos), "total_results": len(videos), "videos": videos})
    photos = [
        {
            "id": i.id, "width": i.width, "height": i.height,
            "url": f"https://www.pexels.com/photo/{i.words.replace(' ', '-')}-{i.id}/",
            "photographer": "Pat Lens", "photographer_url": "https://x", "avg_color": "#777777",
            "src": {"original": f"{base}/files/{i.file}", "large2x": f"{base}/files/{i.file}"}, "alt": i.words,
        }
        for i in _matching(api, seen.query["query"], "image")
    ]  # fmt: skip
    return json_answer({"page": 1, "per_page": len(photos), "total_results": len(photos), "photos": photos})


def _pixabay(api: FakeAPI, seen: Seen) -> Answer:
    if seen.query.get("key") != PIXABAY_KEY:
        return 400, b"[ERROR 400] Invalid or missing API key", {"Content-Type": "text/plain"}
    base = api.url
    if seen.path.rstrip("/").endswith("/videos"):
        hits = [
            {
                "id": i.id, "pageURL": f"https://pixabay.com/videos/id-{i.id}/", "type": "film",
                "tags": ", ".join(i.words.split()), "duration": int(i.duration), "user": "Pix User",
                "videos": {
                    "large": {"url": f"{base}/files/{i.file}?pixabay={i.id}", "width": i.width,
                              "height": i.height, "size": 1000, "thumbnail": ""},
                    "tiny": {"url": f"{base}/files/{i.file}?tiny={i.id}", "width": 640, "height": 360,
                             "size": 100, "thumbnail": ""},
                },
            }
            for i in _matching(api, seen.query["q"], "video")
        ]  # fmt: skip
    else:
        hits = [
            {
                "id": i.id, "pageURL": f"https://pixabay.com/photos/id-{i.id}/", "type": "photo",
                "tags": ", ".join(i.words.split()), "largeImageURL": f"{base}/files/{i.file}",
                "imageWidth": i.width, "imageHeight": i.height, "user": "Pix User",
            }
            for i in _matching(api, seen.query["q"], "image")
        ]  # fmt: skip
    return json_answer({"total": len(hits), "totalHits": len(hits), "hits": hits})


def _depositphotos(api: FakeAPI, seen: Seen) -> Answer:
    if seen.query.get("dp_apikey") != DEPOSIT_KEY:
        return json_answer({"type": "failure", "error": {"errorcode": 2, "errormsg": "Invalid API key"}})
    result = [
        {
            "id": i.id, "itype": i.kind, "title": i.words, "description": "", "width": i.width, "height": i.height,
            "url_big": f"{api.url}/files/{i.preview or i.file}",
            "mp4": f"{api.url}/files/{i.preview or i.file}" if i.kind == "video" else "",
            "itemurl": f"https://depositphotos.com/{i.id}/stock.html", "username": "Depo Author",
        }
        for i in _matching(api, seen.query["dp_search_query"])
    ]  # fmt: skip
    return json_answer({"timestamp": "2026-01-01 00:00:00", "version": "1.3", "type": "success", "result": result,
                  "count": len(result)})  # fmt: skip


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
    "pexels": _pexels,
    "pixabay": _pixabay,
    "depositphotos": _depositphotos,
    "chat": chat,
    "speech": speech,
    "transcriptions": transcriptions,
    "embeddings": embeddings,
    "images": generations,
    "files": _files,
}
