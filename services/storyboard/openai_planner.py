"""The OpenAI planner: structured outputs parsed straight into the Storyboard model, then checked against the run.

Transient failures (429 honouring Retry-After, 5xx, timeouts) are retried by the openai client itself; a refused
key fails at once. A storyboard that does not validate is sent back once with the validation error. An answer cut
at the output token limit (finish_reason "length") is asked once more with twice the limit; a content filter stop
or a refusal is one PlannerStopped error naming the step (a StepError, so Prefect does not bill it twice more).
Model and parameters: services/storyboard/openai_options.py.
"""

import logging
from typing import Any

import openai
from pydantic import BaseModel, SecretStr, ValidationError

from services.exceptions import (
    PlannerStopped,
    ProviderAuthError,
    ProviderError,
    ProviderForbidden,
    ProviderRequestRefused,
    StepError,
)
from services.models import Aspect, Mood, Scene, Storyboard, VideoRequest
from services.openai_client import openai_client
from services.storyboard.base import PlannerPrompt
from services.storyboard.intent import Intent, read_intent
from services.storyboard.language import detect_language
from services.storyboard.openai_options import TOKEN_LIMITS, choose_model, request_options, token_limit
from services.storyboard.timing import MAX_SCENE_S, MIN_SCENE_S, fit_durations

log = logging.getLogger(__name__)
STEP = "generate_storyboard"
WORDS_PER_SECOND = 2.6
WORD_TOLERANCE = 0.3
UNSPACED_LANGUAGES = {"zh", "ja", "th", "lo", "km", "my", "ko"}
TITLE_MAX_CHARS = 100
MAX_OUTPUT_TOKENS = 32_768
DEFAULT_SYSTEM_PROMPT = """You write storyboards for short narrated videos made from stock footage.
Return a title, a one-paragraph description and the scenes, in order.
Write the title, the description and every narration in the language whose code is given by the user.
Also return aspect (16:9, 9:16 or 1:1), target_duration_s (seconds) and mood (calm, upbeat, dramatic or playful):
use the values the user message sets; otherwise read them from the request (a "60-second explainer" is 60 s,
"for Shorts" or "vertical" is 9:16, "Top 5" means five item scenes plus an intro and an outro).
The narration is what a creator would say: never repeat the instruction, the length, the format or the platform.
Write about 2.5 spoken words per second of target_duration_s in total.
Each scene: a narration of one to three short spoken sentences; a visual_query of three to six concrete English words
naming what a stock video or photo should show (subject, setting, action; no abstract words); duration_s, the
seconds the scene stays on screen, long enough to speak its narration."""


class PlannedStoryboard(BaseModel):
    """The model's answer: the storyboard plus what it read from the request (frame, length, mood)."""

    title: str
    description: str
    language: str = ""
    aspect: Aspect | None = None
    target_duration_s: float | None = None
    mood: Mood | None = None
    scenes: list[Scene]


class InvalidStoryboard(ValueError):
    """The model's answer does not fit the run; the message is sent back to the model once."""


class LengthMismatch(InvalidStoryboard):
    """A valid storyboard whose narration cannot be spoken in the asked length: worth one retry, not a failure."""


class OpenAIPlanner:
    """Plans with an OpenAI chat model; the system prompt and its parameters come from the prompt store."""

    name = "openai"

    def __init__(
        self,
        api_key: SecretStr,
        *,
        model: str | None = None,
        base_url: str | None = None,
        transition_s: float = 0.5,
        timeout_s: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        self.model = model  # P2V_OPENAI_MODEL: None unless set, so the prompt version's model can apply
        self.transition_s = transition_s
        self._key = api_key.get_secret_value()
        self._client = openai_client(api_key, base_url=base_url, timeout_s=timeout_s, max_retries=max_retries)

    def plan(self, request: VideoRequest, *, system_prompt: PlannerPrompt | None = None) -> Storyboard:
        language = request.language or detect_language(request.prompt)
        prompt = system_prompt if system_prompt and system_prompt.text.strip() else None
        messages: list[dict[str, str]] = [
            {"role": "system", "content": prompt.text if prompt else DEFAULT_SYSTEM_PROMPT},
            {"role": "user", "content": ""},
        ]
        parameters = dict(prompt.parameters) if prompt else {}
        intent = read_intent(request.prompt, language)
        messages[1]["content"] = _user_message(request, language, intent)
        first_try: PlannedStoryboard | None = None  # valid but of the wrong length: kept should the retry fail
        for attempt in (1, 2):
            answer, raw = self._ask(messages, parameters)
            try:
                return self._fit(answer, request=request, language=language, intent=intent, last=attempt == 2)
            except InvalidStoryboard as exc:
                if attempt == 2 and first_try is not None:
                    log.warning("the corrected storyboard is invalid (%s); keeping the first one", exc)
                    return self._fit(first_try, request=request, language=language, intent=intent, last=True)
                if attempt == 2:
                    raise StepError(STEP, f"OpenAI returned an invalid storyboard twice; last problem: {exc}") from None
                if isinstance(exc, LengthMismatch) and not isinstance(answer, str):
                    first_try = answer
                if raw:
                    messages.append({"role": "assistant", "content": raw})
                messages.append(
                    {"role": "user", "content": f"That storyboard is invalid: {exc}. Return a corrected storyboard."}
                )
        raise AssertionError("unreachable")

    def _ask(self, messages: list[dict[str, str]], parameters: dict[str, Any]) -> tuple[PlannedStoryboard | str, str]:
        """The parsed storyboard, or what is wrong with the answer; and the raw text when there is one."""
        try:
            completion = self._within_limit(messages, parameters)
        except ValidationError as exc:  # the answer is not JSON of the Storyboard's shape
            return _summary(exc), ""
        message = completion.choices[0].message
        if message.refusal:
            raise _stopped("refusal", f"OpenAI refused to write this storyboard: {message.refusal[:200]}")
        return message.parsed or "the answer holds no storyboard", message.content or ""

    def _within_limit(self, messages: list[dict[str, str]], parameters: dict[str, Any]) -> Any:
        """The completion; cut at the output token limit, asked once more with twice the limit, which `parameters`
        then keeps for the rest of this plan."""
        model = choose_model(self.model, parameters)
        limit = token_limit(parameters)
        try:
            return self._complete(messages, request_options(model, parameters))
        except openai.LengthFinishReasonError:
            if limit is None or limit >= MAX_OUTPUT_TOKENS:
                message = f"{model} reached its output token limit before the storyboard was complete"
                raise _stopped("length", message) from None
            bigger = 2 * limit
        log.warning("the storyboard was cut at %d output tokens; asking once more with %d", limit, bigger)
        for name in TOKEN_LIMITS:
            parameters.pop(name, None)
        parameters["max_completion_tokens"] = bigger
        try:
            return self._complete(messages, request_options(model, parameters))
        except openai.LengthFinishReasonError:
            message = f"the storyboard was cut at {limit} and again at {bigger} output tokens; raise "
            raise _stopped("length", message + "max_completion_tokens in the prompt version") from None

    def _complete(self, messages: list[dict[str, str]], options: dict[str, Any]) -> Any:
        """One chat call; a content filter stop and API errors become our typed errors."""
        try:
            return self._client.chat.completions.parse(
                messages=messages,  # type: ignore[arg-type]
                response_format=PlannedStoryboard,
                **options,
            )
        except openai.ContentFilterFinishReasonError:
            message = "OpenAI's content filter stopped the storyboard; rephrase the prompt"
            raise _stopped("content_filter", message) from None
        except openai.APIError as exc:
            raise self._provider_error(exc) from None

    def _fit(
        self, answer: PlannedStoryboard | str, *, request: VideoRequest, language: str, intent: Intent, last: bool
    ) -> Storyboard:
        if isinstance(answer, str):
            raise InvalidStoryboard(answer)
        if request.scenes is not None and len(answer.scenes) != request.scenes:
            raise InvalidStoryboard(f"expected exactly {request.scenes} scenes, got {len(answer.scenes)}")
        empty = [i for i, s in enumerate(answer.scenes) if not s.narration.strip() or not s.visual_query.strip()]
        if empty:
            raise InvalidStoryboard(f"scene {empty[0]} has an empty narration or visual_query")
        proposed = [s.duration_s for s in answer.scenes]
        asked = request.duration_s or intent.duration_s or answer.target_duration_s
        target = asked or sum(proposed)
        if asked:
            _check_words(answer.scenes, asked, language, last=last)
        durations = fit_durations(proposed, target, self.transition_s)
        if max(durations) > MAX_SCENE_S or min(durations) < MIN_SCENE_S:
            log.warning("asked for %g s; %d scenes cannot all stay within %g-%g s", target, len(durations),
                        MIN_SCENE_S, MAX_SCENE_S)  # fmt: skip
        scenes = [
            s.model_copy(update={"index": i, "duration_s": d})
            for i, (s, d) in enumerate(zip(answer.scenes, durations, strict=True))
        ]
        return Storyboard(
            title=answer.title.strip()[:TITLE_MAX_CHARS] or request.prompt[:TITLE_MAX_CHARS],
            description=answer.description,
            language=language,
            aspect=request.aspect or intent.aspect or answer.aspect or "16:9",
            scenes=scenes,
            mood=intent.mood or answer.mood or "calm",
            target_duration_s=round(target, 3),
        )

    def _provider_error(self, exc: openai.APIError) -> ProviderError:
        if isinstance(exc, openai.AuthenticationError):
            return ProviderAuthError("openai", "the API key was refused; check OPENAI_API_KEY", status=exc.status_code)
        if isinstance(exc, openai.PermissionDeniedError):
            return ProviderForbidden(
                "openai", "forbidden: this key or project may not use this model or endpoint", status=exc.status_code
            )
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError("openai", "no answer in time (after retries)")
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError("openai", "connection failed (after retries)")
        status = getattr(exc, "status_code", None)
        detail = str(getattr(exc, "message", "") or type(exc).__name__).replace(self._key, "***")[:200]
        if status is not None and 400 <= status < 500 and status != 429:
            return ProviderRequestRefused("openai", f"request refused: {detail}", status=status)
        return ProviderError("openai", f"{detail} (after retries)", status=status)


def _stopped(reason: str, message: str) -> PlannerStopped:
    return PlannerStopped(STEP, reason, message)


def _user_message(request: VideoRequest, language: str, intent: Intent) -> str:
    count = f"exactly {request.scenes} (set by the user)" if request.scenes is not None else None
    length = f"{request.duration_s:g} seconds (set by the user)" if request.duration_s else None
    aspect = f"{request.aspect} (set by the user)" if request.aspect else None
    count = count or (
        f"{min(intent.count + 2, 20)} (the request asks for {intent.count} items)" if intent.count else None
    )
    length = length or (f"{intent.duration_s:g} seconds (from the request)" if intent.duration_s else None)
    aspect = aspect or (f"{intent.aspect} (from the request)" if intent.aspect else None)
    words = f" Write about {round(_seconds(request, intent) * WORDS_PER_SECOND)} words of narration in total." if (
        request.duration_s or intent.duration_s) else ""  # fmt: skip
    unset = "not given: read it from the request"
    return (
        f"Language code: {language}\nAspect ratio: {aspect or unset + ' (else 16:9)'}\n"
        f"Number of scenes: {count or unset + ' (else between 4 and 8)'}.\n"
        f"Target length: {length or unset + ' (else 30 to 60 seconds)'}.{words}\n\n"
        f"Video request:\n{request.prompt}"
    )


def _seconds(request: VideoRequest, intent: Intent) -> float:
    return float(request.duration_s or intent.duration_s or 0)


def _check_words(scenes: list[Scene], target_s: float, language: str, *, last: bool) -> None:
    """The narration must be speakable in the target length: sent back once, then a warning."""
    if language.split("-")[0] in UNSPACED_LANGUAGES:
        return
    words = sum(len(s.narration.split()) for s in scenes)
    spoken = words / WORDS_PER_SECOND
    if abs(spoken - target_s) <= WORD_TOLERANCE * target_s:
        return
    low, high = (round(target_s * (1 + d) * WORDS_PER_SECOND) for d in (-WORD_TOLERANCE / 2, WORD_TOLERANCE / 2))
    problem = (
        f"the narration has {words} words, about {spoken:.0f} s of speech, but the video must last {target_s:g} s: "
        f"write {low}-{high} words in total"
    )
    if not last:
        raise LengthMismatch(problem)
    log.warning("asked for %g s but the planned narration takes about %.0f s (%d words)", target_s, spoken, words)


def _summary(exc: ValidationError) -> str:
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(problems)
