"""POST /v1/images/generations of the fake OpenAI server, as the public API reference describes it.

Request (JSON): `prompt` (required, at most 32000 characters), `model`, `n` (1-10; dall-e-3 only 1), `size`,
`quality`, `response_format` (url | b64_json: DALL·E only, GPT image models refuse it and always answer base64),
`output_format` (png | jpeg | webp: GPT image models only). Answer: `created`, `data` (each `b64_json`, or `url`
plus `revised_prompt` for DALL·E), and for GPT image models `usage` (input/output/total tokens) and `size`.
Errors: `{"error": {"message", "type", "param", "code"}}`; a prompt the safety system refuses is a 400 with code
`moderation_blocked` (GPT image models) or `content_policy_violation` (DALL·E).

The fake draws the first colour word of the prompt (COLOURS, else grey) at the requested size, crossed by a thin
black grid every GRID_PX (so motion over a still shows), and a test can tell a drawn picture in a frame by its
colour. Prompts holding a word of BLOCKED are refused.
"""

import base64
import hashlib
import json
import re
import struct
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tests.fakes.openai_api import OPENAI_KEY, Answer, json_answer

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

COLOURS: dict[str, tuple[int, int, int]] = {
    "magenta": (230, 0, 200),
    "yellow": (240, 220, 0),
    "cyan": (0, 210, 230),
    "purple": (120, 40, 200),
}
GREY = (128, 128, 128)
GRID_PX, LINE_PX = 128, 4
BLOCKED = frozenset({"gore", "bloodbath"})
GPT_SIZES = {"1024x1024", "1536x1024", "1024x1536", "auto"}
DALLE_SIZES = {"dall-e-3": {"1024x1024", "1792x1024", "1024x1792"}, "dall-e-2": {"256x256", "512x512", "1024x1024"}}
OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "auto": 1056}
MAX_PROMPT_CHARS = 32000


def _error(status: int, message: str, *, code: str | None, param: str | None = None) -> Answer:
    kind = (
        "image_generation_user_error"
        if code in ("moderation_blocked", "content_policy_violation")
        else "invalid_request_error"
    )
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return status, json.dumps(body).encode(), {}


def generations(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return _error(401, "Incorrect API key provided.", code="invalid_api_key")
    body = json.loads(seen.body)
    refused = _check(body)
    if refused is not None:
        return refused
    model = body.get("model", "gpt-image-1")
    size = body.get("size", "1024x1024")
    size = "1024x1024" if size == "auto" else size
    legacy = model.startswith("dall-e")
    if BLOCKED.intersection(_words(body["prompt"])):
        code = "content_policy_violation" if legacy else "moderation_blocked"
        return _error(400, "Your request was rejected as a result of our safety system.", code=code)
    picture = _png(*_dimensions(size), _colour(body["prompt"]))
    count = int(body.get("n", 1))
    if legacy and body.get("response_format", "url") == "url":
        name = f"drawn-{hashlib.sha256(picture).hexdigest()[:16]}.png"
        (api.media / name).write_bytes(picture)
        data: list[dict[str, Any]] = [{"url": f"{api.url}/files/{name}", "revised_prompt": body["prompt"]}] * count
    else:
        data = [{"b64_json": base64.b64encode(picture).decode()}] * count
    answer: dict[str, Any] = {"created": 1767225600, "data": data}
    if not legacy:
        text_tokens = max(1, len(body["prompt"]) // 4)
        output = OUTPUT_TOKENS.get(body.get("quality", "auto"), 1056) * count
        answer |= {
            "size": size, "quality": body.get("quality", "auto"), "output_format": body.get("output_format", "png"),
            "usage": {"input_tokens": text_tokens, "output_tokens": output, "total_tokens": text_tokens + output,
                      "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": 0}},
        }  # fmt: skip
    return json_answer(answer)


def _check(body: dict[str, Any]) -> Answer | None:
    """The parameter checks the reference documents, worded like the API's 400s."""
    prompt, model = body.get("prompt"), body.get("model", "gpt-image-1")
    if not isinstance(prompt, str) or not prompt:
        return _error(400, "Missing required parameter: 'prompt'.", code="missing_required_parameter", param="prompt")
    if len(prompt) > MAX_PROMPT_CHARS:
        return _error(400, "The prompt is too long.", code="string_above_max_length", param="prompt")
    legacy = model.startswith("dall-e")
    if not legacy and "response_format" in body:
        return _error(400, "Unknown parameter: 'response_format'.", code="unknown_parameter", param="response_format")
    if legacy and "output_format" in body:
        return _error(400, "Unknown parameter: 'output_format'.", code="unknown_parameter", param="output_format")
    n = int(body.get("n", 1))
    if not 1 <= n <= 10 or (model == "dall-e-3" and n != 1):
        return _error(400, f"Invalid 'n': {n}.", code="invalid_value", param="n")
    sizes = DALLE_SIZES.get(model, GPT_SIZES)
    if body.get("size", "1024x1024") not in sizes:
        return _error(400, f"Invalid value: '{body.get('size')}'. Supported: {sorted(sizes)}.", code="invalid_value",
                      param="size")  # fmt: skip
    return None


def _dimensions(size: str) -> tuple[int, int]:
    width, height = size.split("x")
    return int(width), int(height)


def _words(prompt: str) -> list[str]:
    return re.findall(r"\w+", prompt.lower())


def _colour(prompt: str) -> tuple[int, int, int]:
    return next((COLOURS[word] for word in _words(prompt) if word in COLOURS), GREY)


@lru_cache(maxsize=16)
def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """An 8-bit RGB PNG of one colour with a black grid."""
    cell = bytes(3) * LINE_PX + bytes(rgb) * (GRID_PX - LINE_PX)
    row = b"\x00" + (cell * (width // GRID_PX + 1))[: width * 3]
    line = b"\x00" + bytes(3 * width)
    pixels = zlib.compress(b"".join(line if y % GRID_PX < LINE_PX else row for y in range(height)), 6)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
