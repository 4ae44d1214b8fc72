"""The fake OpenAI endpoints of `stock_apis.FakeAPI`: chat (queued storyboards), speech, transcriptions and
embeddings, answering as the public API reference describes them.

Speech is a tone lasting 0.6 s at speed 1.0 (0.6 / speed otherwise), its pitch derived from the text so every
sentence's audio differs; the fake remembers what each audio says, so the transcription endpoint hears exactly the
words that were spoken, evenly timed across the uploaded audio (like Whisper, without punctuation).
"""

import hashlib
import io
import json
import math
import re
import struct
import wave
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

OPENAI_KEY = "sk-test-OPENAI-0123456789abcdef"
Answer = tuple[int, bytes, dict[str, str]]


def json_answer(payload: Any) -> Answer:
    return 200, json.dumps(payload).encode(), {}


@dataclass
class ChatAnswer:
    """A queued chat answer with a stop other than "stop": "content_filter", or a refusal (structured outputs)."""

    content: str | None
    finish_reason: str = "stop"
    refusal: str | None = None


REASONING_MODELS = {"o1", "o1-mini", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano"}
"""Per the API reference these take only the default temperature (1) and `max_completion_tokens`, not `max_tokens`."""
CHARS_PER_TOKEN = 4


def chat(api: "FakeAPI", seen: "Seen") -> Answer:
    """POST /v1/chat/completions. An answer longer than `max_completion_tokens` (or `max_tokens`) is cut there with
    finish_reason "length", counting CHARS_PER_TOKEN characters a token."""
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}', {}
    body = json.loads(seen.body)
    refused = _unsupported(body)
    if refused is not None:
        return refused
    queued = api.storyboards.popleft() if api.storyboards else "{}"
    answer = queued if isinstance(queued, ChatAnswer) else ChatAnswer(queued)
    content, finish = answer.content, answer.finish_reason
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    if content is not None and limit is not None and len(content) > limit * CHARS_PER_TOKEN:
        content, finish = content[: limit * CHARS_PER_TOKEN], "length"
    tokens = math.ceil(len(content or answer.refusal or "") / CHARS_PER_TOKEN)
    return json_answer({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": body.get("model", "gpt-4o-mini"),
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content, "refusal": answer.refusal}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": tokens, "total_tokens": tokens + 1},
    })  # fmt: skip


def _unsupported(body: dict[str, Any]) -> Answer | None:
    """A reasoning model's 400 for parameters it does not take, worded like the API's."""
    if body.get("model") not in REASONING_MODELS:
        return None
    if "temperature" in body and body["temperature"] != 1:
        return _refused_param(
            "temperature",
            f"Unsupported value: 'temperature' does not support {body['temperature']} with this model. "
            "Only the default (1) value is supported.",
            "unsupported_value",
        )
    if "max_tokens" in body:
        return _refused_param(
            "max_tokens",
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' "
            "instead.",
            "unsupported_parameter",
        )
    return None


def _refused_param(param: str, message: str, code: str) -> Answer:
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return 400, json.dumps({"error": error}).encode(), {}


SPEECH_S = 0.6
SPEECH_RATE = 24000
LANGUAGES = {"en": "english", "ru": "russian", "de": "german", "fr": "french", "es": "spanish", "uk": "ukrainian"}
_spoken: dict[str, str] = {}


def _refused(message: str) -> Answer:
    return 400, json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode(), {}


def speech(api: "FakeAPI", seen: "Seen") -> Answer:
    """POST /v1/audio/speech: JSON with model, input, voice, response_format, speed (0.25 to 4.0, default 1.0)."""
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided"}}', {}
    body = json.loads(seen.body)
    speed = float(body.get("speed", 1.0))
    if not 0.25 <= speed <= 4.0:
        return _refused("speed must be between 0.25 and 4.0")
    audio = _tone(body["input"], SPEECH_S / speed)
    _spoken[hashlib.sha256(audio).hexdigest()] = body["input"]
    return 200, audio, {"Content-Type": "audio/wav"}


def _tone(text: str, seconds: float) -> bytes:
    frequency = 200 + int(hashlib.sha256(text.encode()).hexdigest()[:4], 16) % 400
    count = round(seconds * SPEECH_RATE)
    samples = (round(8000 * math.sin(2 * math.pi * frequency * i / SPEECH_RATE)) for i in range(count))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(SPEECH_RATE)
        sink.writeframes(struct.pack(f"<{count}h", *samples))
    return buffer.getvalue()


def transcriptions(api: "FakeAPI", seen: "Seen") -> Answer:
    """POST /v1/audio/transcriptions, multipart/form-data: file, model, language, prompt, response_format,
    temperature, timestamp_granularities[] (which needs response_format=verbose_json)."""
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return 401, b'{"error": {"message": "Incorrect API key provided"}}', {}
    fields, audio = _form(seen)
    if audio is None or "model" not in fields:
        return _refused("file and model are required")
    granularities = fields.get("timestamp_granularities[]", [])
    response_format = (fields.get("response_format") or ["json"])[0]
    if granularities and response_format != "verbose_json":
        return _refused("timestamp_granularities requires response_format=verbose_json")
    text = _spoken.get(hashlib.sha256(audio).hexdigest(), "")
    if response_format != "verbose_json":
        return json_answer({"text": text})
    with wave.open(io.BytesIO(audio), "rb") as source:
        duration = source.getnframes() / source.getframerate()
    language = LANGUAGES.get((fields.get("language") or ["en"])[0], "english")
    answer: dict[str, Any] = {"task": "transcribe", "language": language, "duration": duration, "text": text}
    if "word" in granularities:
        answer["words"] = heard_words(text, duration)
    return json_answer(answer)


def heard_words(text: str, duration: float) -> list[dict[str, Any]]:
    """The words of `text` without punctuation, laid evenly (by length) over the audio between 0.05 s margins."""
    words = re.findall(r"\w+", text)
    total = sum(len(w) for w in words) or 1
    span, cursor, heard = duration - 0.1, 0, []
    for word in words:
        start = 0.05 + span * cursor / total
        cursor += len(word)
        heard.append({"word": word, "start": round(start, 3), "end": round(0.05 + span * cursor / total, 3)})
    return heard


def _form(seen: "Seen") -> tuple[dict[str, list[str]], bytes | None]:
    """The text fields (a repeated field keeps every value) and the file of a multipart/form-data body."""
    head = f"Content-Type: {seen.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + seen.body)
    fields: dict[str, list[str]] = {}
    audio = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name == "file":
            audio = payload
        else:
            fields.setdefault(str(name), []).append(payload.decode())
    return fields, audio


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
