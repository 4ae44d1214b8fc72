"""A tiny OpenAI-compatible embeddings server on loopback with deterministic vectors."""

import base64
import hashlib
import json
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from tests.fakes.serving import serving

DIMS = 1536


def fake_vector(text: str, dims: int = DIMS) -> np.ndarray:
    """A unit float32 vector seeded by the text, so equal texts embed equally."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    raw = np.random.default_rng(seed).standard_normal(dims).astype(np.float32)
    return raw / np.linalg.norm(raw)


def _encode(vector: np.ndarray, encoding: str) -> str | list[float]:
    if encoding == "base64":  # what the official client asks for by default
        return base64.b64encode(vector.astype("<f4").tobytes()).decode()
    return vector.tolist()


class _Handler(BaseHTTPRequestHandler):
    server: "FakeOpenAI"

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path != "/v1/embeddings" or self.server.fail_with:
            self._reply(self.server.fail_with or 404, {"error": {"message": "nope", "type": "invalid_request"}})
            return
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        encoding = body.get("encoding_format", "float")
        data = [
            {"object": "embedding", "index": i, "embedding": _encode(fake_vector(t), encoding)}
            for i, t in enumerate(texts)
        ]
        usage = {"prompt_tokens": len(texts), "total_tokens": len(texts)}
        self._reply(200, {"object": "list", "data": data, "model": body["model"], "usage": usage})

    def _reply(self, status: int, payload: dict) -> None:
        encoded = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, format: str, *args: object) -> None:
        pass


class FakeOpenAI(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.fail_with: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


def serve_fake_openai() -> AbstractContextManager[FakeOpenAI]:
    return serving(FakeOpenAI())
