"""finish_reason other than "stop", model precedence and per-model parameters, against the fake chat endpoint."""

import json
import math
from pathlib import Path

import pytest

from services.exceptions import PlannerStopped, StepError
from services.models import VideoRequest
from services.settings import Settings
from services.storyboard import PlannerPrompt, build_planner
from services.storyboard.openai_planner import OpenAIPlanner
from tests.conftest import fake_settings
from tests.fakes.openai_api import CHARS_PER_TOKEN, ChatAnswer, storyboard_json
from tests.fakes.stock_apis import FakeAPI

THREE = [("Foxes live in snow.", "red fox snow", 4.0), ("They hunt.", "fox hunting", 4.0), ("Cubs.", "fox cubs", 4.0)]
ANSWER = storyboard_json(THREE)
NEEDED = math.ceil(len(ANSWER) / CHARS_PER_TOKEN)
REQUEST = VideoRequest(prompt="foxes", scenes=3)


def _planner(api: FakeAPI, tmp_path: Path, **overrides: object) -> OpenAIPlanner:
    planner = build_planner(fake_settings(api, tmp_path, **overrides))
    assert isinstance(planner, OpenAIPlanner)
    return planner


def _sent(api: FakeAPI) -> list[dict]:
    return [json.loads(r.body) for r in api.requests("chat")]


def test_an_answer_cut_at_the_token_limit_is_asked_once_more_with_twice_the_limit(
    fake_api: FakeAPI, tmp_path: Path
) -> None:
    limit = NEEDED * 2 // 3 + 1  # too small once, enough when doubled
    fake_api.storyboards.extend([ANSWER, ANSWER])
    prompt = PlannerPrompt(text="Plan.", parameters={"max_completion_tokens": limit})
    storyboard = _planner(fake_api, tmp_path).plan(REQUEST, system_prompt=prompt)
    assert len(storyboard.scenes) == 3
    assert [s["max_completion_tokens"] for s in _sent(fake_api)] == [limit, 2 * limit]


def test_an_answer_cut_twice_is_one_clear_error_after_two_calls(fake_api: FakeAPI, tmp_path: Path) -> None:
    limit = NEEDED // 3
    fake_api.storyboards.extend([ANSWER, ANSWER, ANSWER])
    prompt = PlannerPrompt(text="Plan.", parameters={"max_tokens": limit})
    with pytest.raises(PlannerStopped) as caught:
        _planner(fake_api, tmp_path).plan(REQUEST, system_prompt=prompt)
    assert caught.value.reason == "length" and str(caught.value).startswith("[generate_storyboard] ")
    assert f"cut at {limit} and again at {2 * limit} output tokens" in str(caught.value)
    assert len(fake_api.requests("chat")) == 2


def test_a_length_stop_without_a_limit_of_ours_fails_at_once(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.append(ChatAnswer(ANSWER[:50], finish_reason="length"))
    with pytest.raises(PlannerStopped, match="reached its output token limit"):
        _planner(fake_api, tmp_path).plan(REQUEST)
    assert len(fake_api.requests("chat")) == 1


@pytest.mark.parametrize(
    ("answer", "reason", "text"),
    [
        (ChatAnswer(None, finish_reason="content_filter"), "content_filter", "content filter stopped the storyboard"),
        (ChatAnswer(None, refusal="I can't help with that."), "refusal", "refused to write this storyboard"),
    ],
)
def test_a_content_filter_or_a_refusal_is_one_error_naming_the_step(
    fake_api: FakeAPI, tmp_path: Path, answer: ChatAnswer, reason: str, text: str
) -> None:
    fake_api.storyboards.append(answer)
    with pytest.raises(PlannerStopped) as caught:
        _planner(fake_api, tmp_path).plan(REQUEST)
    assert caught.value.reason == reason and caught.value.step == "generate_storyboard" and text in str(caught.value)
    assert len(fake_api.requests("chat")) == 1


def test_prefect_does_not_retry_a_stopped_storyboard(stock_env: FakeAPI) -> None:
    from tasks.storyboard import generate_storyboard

    stock_env.storyboards.extend([ChatAnswer(None, finish_reason="content_filter")] * 3)
    with pytest.raises(StepError, match="content filter"):
        generate_storyboard(VideoRequest(prompt="foxes stopped by a filter, once", scenes=3))
    assert len(stock_env.requests("chat")) == 1, "one billed call, not three"


def test_the_model_setting_is_unset_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("P2V_OPENAI_MODEL", raising=False)
    assert Settings(_env_file=None).openai_model is None  # type: ignore[call-arg]
    monkeypatch.setenv("P2V_OPENAI_MODEL", "gpt-4.1")
    assert Settings(_env_file=None).openai_model == "gpt-4.1"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("setting", "parameters", "sent"),
    [
        ("gpt-4.1", {"model": "gpt-test"}, "gpt-4.1"),  # an explicit setting wins
        (None, {"model": "gpt-test"}, "gpt-test"),  # then the prompt version
        (None, {}, "gpt-4o-mini"),  # then the default
    ],
)
def test_model_precedence_setting_then_prompt_version_then_default(
    fake_api: FakeAPI, tmp_path: Path, setting: str | None, parameters: dict, sent: str
) -> None:
    fake_api.storyboards.append(ANSWER)
    prompt = PlannerPrompt(text="Plan.", parameters=parameters)
    _planner(fake_api, tmp_path, openai_model=setting).plan(REQUEST, system_prompt=prompt)
    [body] = _sent(fake_api)
    assert body["model"] == sent and body["temperature"] == 0.7


@pytest.mark.parametrize("model", ["o4-mini", "gpt-5-mini"])
def test_a_reasoning_model_gets_only_the_parameters_it_takes(fake_api: FakeAPI, tmp_path: Path, model: str) -> None:
    fake_api.storyboards.append(ANSWER)
    parameters = {"model": model, "temperature": 0.4, "top_p": 0.9, "max_tokens": 4000, "seed": 7}
    prompt = PlannerPrompt(text="Plan.", parameters=parameters)
    storyboard = _planner(fake_api, tmp_path).plan(REQUEST, system_prompt=prompt)
    assert len(storyboard.scenes) == 3, "the fake refuses temperature and max_tokens for this model, as the API does"
    [body] = _sent(fake_api)
    assert body["model"] == model and body["max_completion_tokens"] == 4000 and body["seed"] == 7
    assert not {"temperature", "top_p", "max_tokens"} & set(body)


def test_the_fake_refuses_what_a_reasoning_model_does_not_take(fake_api: FakeAPI) -> None:
    """The planner only ever sends what the model takes, so the fake's refusal is checked on its own."""
    import httpx

    from tests.fakes.openai_api import OPENAI_KEY

    body = {"model": "o3", "temperature": 0.7, "messages": [{"role": "user", "content": "hi"}]}
    headers = {"Authorization": f"Bearer {OPENAI_KEY}"}
    answer = httpx.post(f"{fake_api.url}/v1/chat/completions", json=body, headers=headers)
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "temperature"
