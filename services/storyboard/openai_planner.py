"""The OpenAI planner: structured outputs parsed straight into the Storyboard model, then checked against the run.

Transient failures (429 honouring Retry-After, 5xx, timeouts) are retried by the openai client itself; a refused
key fails at once. A storyboard that does not validate is sent back once with the validation error.
"""

from typing import Any

import openai
from pydantic import SecretStr, ValidationError

from services.exceptions import ProviderAuthError, ProviderError, ProviderRequestRefused, StepError
from services.models import Storyboard, VideoRequest
from services.storyboard.base import PlannerPrompt
from services.storyboard.language import detect_language

STEP = "generate_storyboard"
MIN_SCENE_S, MAX_SCENE_S = 2.5, 20.0
TITLE_MAX_CHARS = 100
DEFAULT_TEMPERATURE = 0.7
DEFAULT_SYSTEM_PROMPT = """You write storyboards for short narrated videos made from stock footage.
Return a title, a one-paragraph description and the scenes, in order.
Write the title, the description and every narration in the language whose code is given by the user.
Each scene: a narration of one to three short spoken sentences; a visual_query of three to six concrete English words
naming what a stock video or photo should show (subject, setting, action; no abstract words); duration_s, the
seconds the scene stays on screen, long enough to speak its narration."""


class InvalidStoryboard(ValueError):
    """The model's answer does not fit the run; the message is sent back to the model once."""


class OpenAIPlanner:
    """Plans with an OpenAI chat model; the system prompt and its parameters come from the prompt store."""

    name = "openai"

    def __init__(
        self,
        api_key: SecretStr,
        *,
        model: str,
        base_url: str | None = None,
        transition_s: float = 0.5,
        timeout_s: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        self.model = model
        self.transition_s = transition_s
        self._key = api_key.get_secret_value()
        self._client = openai.OpenAI(api_key=self._key, base_url=base_url, timeout=timeout_s, max_retries=max_retries)

    def plan(self, request: VideoRequest, *, system_prompt: PlannerPrompt | None = None) -> Storyboard:
        language = request.language or detect_language(request.prompt)
        prompt = system_prompt if system_prompt and system_prompt.text.strip() else None
        messages: list[dict[str, str]] = [
            {"role": "system", "content": prompt.text if prompt else DEFAULT_SYSTEM_PROMPT},
            {"role": "user", "content": _user_message(request, language)},
        ]
        parameters = prompt.parameters if prompt else {}
        for attempt in (1, 2):
            answer, raw = self._ask(messages, parameters)
            try:
                return self._fit(answer, request=request, language=language)
            except InvalidStoryboard as exc:
                if attempt == 2:
                    raise StepError(STEP, f"OpenAI returned an invalid storyboard twice; last problem: {exc}") from None
                if raw:
                    messages.append({"role": "assistant", "content": raw})
                messages.append(
                    {"role": "user", "content": f"That storyboard is invalid: {exc}. Return a corrected storyboard."}
                )
        raise AssertionError("unreachable")

    def _ask(self, messages: list[dict[str, str]], parameters: dict[str, Any]) -> tuple[Storyboard | str, str]:
        """The parsed storyboard, or what is wrong with the answer; and the raw text when there is one."""
        try:
            completion = self._client.chat.completions.parse(
                model=parameters.get("model", self.model),
                temperature=parameters.get("temperature", DEFAULT_TEMPERATURE),
                messages=messages,  # type: ignore[arg-type]
                response_format=Storyboard,
            )
        except ValidationError as exc:  # the answer is not JSON of the Storyboard's shape
            return _summary(exc), ""
        except openai.APIError as exc:
            raise self._provider_error(exc) from None
        message = completion.choices[0].message
        if message.refusal:
            raise StepError(STEP, f"OpenAI refused to write this storyboard: {message.refusal[:200]}")
        return message.parsed or "the answer holds no storyboard", message.content or ""

    def _fit(self, answer: Storyboard | str, *, request: VideoRequest, language: str) -> Storyboard:
        if isinstance(answer, str):
            raise InvalidStoryboard(answer)
        if request.scenes is not None and len(answer.scenes) != request.scenes:
            raise InvalidStoryboard(f"expected exactly {request.scenes} scenes, got {len(answer.scenes)}")
        empty = [i for i, s in enumerate(answer.scenes) if not s.narration.strip() or not s.visual_query.strip()]
        if empty:
            raise InvalidStoryboard(f"scene {empty[0]} has an empty narration or visual_query")
        durations = _durations([s.duration_s for s in answer.scenes], request.duration_s, self.transition_s)
        scenes = [
            s.model_copy(update={"index": i, "duration_s": d})
            for i, (s, d) in enumerate(zip(answer.scenes, durations, strict=True))
        ]
        title = answer.title.strip()[:TITLE_MAX_CHARS] or request.prompt[:TITLE_MAX_CHARS]
        return answer.model_copy(
            update={"title": title, "language": language, "aspect": request.aspect or "16:9", "scenes": scenes}
        )

    def _provider_error(self, exc: openai.APIError) -> ProviderError:
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return ProviderAuthError("openai", "the API key was refused; check OPENAI_API_KEY", status=exc.status_code)
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError("openai", "no answer in time (after retries)")
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError("openai", "connection failed (after retries)")
        status = getattr(exc, "status_code", None)
        detail = str(getattr(exc, "message", "") or type(exc).__name__).replace(self._key, "***")[:200]
        if status is not None and 400 <= status < 500 and status != 429:
            return ProviderRequestRefused("openai", f"request refused: {detail}", status=status)
        return ProviderError("openai", f"{detail} (after retries)", status=status)


def _user_message(request: VideoRequest, language: str) -> str:
    count = f"exactly {request.scenes}" if request.scenes is not None else "between 4 and 8"
    length = f" The whole video should last about {request.duration_s:g} seconds." if request.duration_s else ""
    return (
        f"Language code: {language}\nAspect ratio: {request.aspect or '16:9'}\nNumber of scenes: {count}.{length}\n\n"
        f"Video request:\n{request.prompt}"
    )


def _durations(proposed: list[float], target_s: float | None, transition_s: float) -> list[float]:
    """The model's durations, clamped; scaled to the target length (transitions overlap) when one is set."""
    clamped = [min(MAX_SCENE_S, max(MIN_SCENE_S, d)) for d in proposed]
    if target_s is None:
        return [round(d, 3) for d in clamped]
    wanted = target_s + transition_s * (len(clamped) - 1)
    scale = wanted / sum(clamped)
    return [round(d * scale, 3) for d in clamped]


def _summary(exc: ValidationError) -> str:
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(problems)
