"""The fake OpenAI endpoints of `stock_apis.FakeAPI`: chat (queued storyboards), speech and embeddings."""

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

OPENAI_KEY = "sk-test-OPENAI-0123456789abcdef"
Answer = tuple[int, bytes, dict[str, str]]


def json_answer(payload: Any) -> Answer:
    return 200, json.dumps(payload).encode(), {}


def chat(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}', {}
    content = api.storyboards.popleft() if api.storyboards else "{}"
    return json_answer({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })  # fmt: skip


def speech(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided"}}', {}
    return 200, (api.media / "speech.wav").read_bytes(), {"Content-Type": "audio/wav"}


def embeddings(api: "FakeAPI", seen: "Seen") -> Answer:
    """Deterministic vectors (the prompt store embeds prompts with OpenAI when a key is set)."""
    from tests.prompt_store.fake_openai import _encode, fake_vector

    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided"}}', {}
    body = json.loads(seen.body)
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    encoding = body.get("encoding_format", "float")
    data = [{"object": "embedding", "index": i, "embedding": _encode(fake_vector(t), encoding)}
            for i, t in enumerate(texts)]  # fmt: skip
    return json_answer({"object": "list", "data": data, "model": body["model"], "usage": {"total_tokens": len(texts)}})


def storyboard_json(scenes: list[tuple[str, str, float]], *, title: str = "Foxes", language: str = "en") -> str:
    """A chat answer holding a storyboard: (narration, visual_query, duration_s) per scene."""
    return json.dumps({
        "title": title, "description": "A short film.", "language": language, "aspect": "16:9",
        "scenes": [{"index": i, "narration": n, "visual_query": q, "duration_s": d}
                   for i, (n, q, d) in enumerate(scenes)],
    })  # fmt: skip
