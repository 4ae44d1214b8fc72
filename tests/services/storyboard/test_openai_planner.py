import json
import logging
from pathlib import Path

import pytest

from services.exceptions import ProviderAuthError, StepError
from services.models import VideoRequest
from services.storyboard import OfflinePlanner, PlannerPrompt, build_planner
from services.storyboard.openai_planner import DEFAULT_SYSTEM_PROMPT, OpenAIPlanner
from tests.conftest import fake_settings
from tests.fakes.openai_api import storyboard_json
from tests.fakes.stock_apis import OPENAI_KEY, FakeAPI, Fault

THREE = [
    ("Лисы живут в снегу.", "red fox snow", 4.0),
    ("Они охотятся зимой.", "fox hunting winter", 6.0),
    ("Весной появляются лисята.", "fox cubs spring", 5.0),
]


def _planner(api: FakeAPI, tmp_path: Path, **overrides: object) -> OpenAIPlanner:
    planner = build_planner(fake_settings(api, tmp_path, **overrides))
    assert isinstance(planner, OpenAIPlanner)
    return planner


def _sent(api: FakeAPI) -> list[dict]:
    return [json.loads(r.body) for r in api.requests("chat")]


def test_structured_output_becomes_the_storyboard_in_the_prompts_language(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.append(storyboard_json(THREE, title="Лисы", language="en"))
    request = VideoRequest(prompt="Сделай видео про лис зимой", aspect="9:16", scenes=3, duration_s=5)
    storyboard = _planner(fake_api, tmp_path).plan(request)
    assert storyboard.language == "ru" and storyboard.aspect == "9:16" and storyboard.title == "Лисы"
    assert [s.index for s in storyboard.scenes] == [0, 1, 2]
    total = sum(s.duration_s for s in storyboard.scenes) - 0.5 * 2  # transitions overlap
    assert total == pytest.approx(5, abs=0.01) and storyboard.target_duration_s == 5
    [sent] = _sent(fake_api)
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["name"] == "PlannedStoryboard"
    assert sent["messages"][0]["content"] == DEFAULT_SYSTEM_PROMPT
    assert "Language code: ru" in sent["messages"][1]["content"] and "exactly 3" in sent["messages"][1]["content"]


def test_the_prompt_stores_system_prompt_and_parameters_are_used(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.append(storyboard_json(THREE))
    prompt = PlannerPrompt(text="You are terse.", parameters={"model": "gpt-test", "temperature": 0.1})
    _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes", scenes=3), system_prompt=prompt)
    [sent] = _sent(fake_api)
    assert sent["model"] == "gpt-test" and sent["temperature"] == 0.1
    assert sent["messages"][0]["content"] == "You are terse."


def test_an_invalid_answer_is_sent_back_once_with_its_error(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.extend([storyboard_json(THREE[:2]), storyboard_json(THREE)])
    storyboard = _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes", scenes=3))
    assert len(storyboard.scenes) == 3
    retry = _sent(fake_api)[1]["messages"]
    assert retry[-2]["role"] == "assistant"
    assert "expected exactly 3 scenes, got 2" in retry[-1]["content"]


def test_two_invalid_answers_fail_the_step_with_a_clear_message(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.extend(['{"title": "no scenes"}', '{"title": "still none"}'])
    with pytest.raises(StepError) as caught:
        _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes"))
    assert str(caught.value).startswith("[generate_storyboard] OpenAI returned an invalid storyboard twice")
    assert "scenes: Field required" in str(caught.value)
    assert "scenes: Field required" in _sent(fake_api)[1]["messages"][-1]["content"]


def test_rate_limits_and_server_errors_are_retried_honouring_retry_after(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.fail("chat", Fault(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "1"}), Fault(500))
    fake_api.storyboards.append(storyboard_json(THREE))
    assert len(_planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes", scenes=3)).scenes) == 3
    first, second, _third = fake_api.requests("chat")
    assert second.at - first.at >= 0.9


def test_a_refused_key_fails_at_once_naming_openai_and_never_the_key(
    fake_api: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "sk-wrong-" + OPENAI_KEY
    with pytest.raises(ProviderAuthError) as caught:
        _planner(fake_api, tmp_path, OPENAI_API_KEY=wrong).plan(VideoRequest(prompt="foxes"))
    assert str(caught.value) == "openai: HTTP 401: the API key was refused; check OPENAI_API_KEY"
    assert len(fake_api.requests("chat")) == 1
    assert wrong not in caplog.text and wrong not in repr(caught.value)


def test_without_a_key_the_offline_planner_is_used(fake_api: FakeAPI, tmp_path: Path) -> None:
    assert isinstance(build_planner(fake_settings(fake_api, tmp_path, OPENAI_API_KEY=None)), OfflinePlanner)


def _scenes(durations: list[float], words: int = 13) -> list[tuple[str, str, float]]:
    sentence = " ".join(["fox"] * (words - 1)) + " runs."
    return [(sentence, "red fox snow", d) for d in durations]


def test_durations_are_scaled_to_the_asked_length_first_then_clamped(fake_api: FakeAPI, tmp_path: Path) -> None:
    long_plan = _scenes([20, 18, 15, 12, 10, 8])  # 83 s of scenes, 78 words: about 30 s of speech
    fake_api.storyboards.append(storyboard_json(long_plan))
    storyboard = _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes in winter", duration_s=30))
    durations = [s.duration_s for s in storyboard.scenes]
    assert sum(durations) - 0.5 * 5 == pytest.approx(30, abs=0.001)
    assert storyboard.target_duration_s == 30
    assert all(2.5 <= d <= 20 for d in durations) and durations == sorted(durations, reverse=True)
    assert len(fake_api.requests("chat")) == 1


def test_the_length_read_from_the_prompt_sets_the_target_and_frame(fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.storyboards.append(storyboard_json(_scenes([9, 9, 9, 9, 9, 9], words=26)))
    request = VideoRequest(prompt="A 60-second explainer about foxes, 9:16 for Shorts")
    storyboard = _planner(fake_api, tmp_path).plan(request)
    assert storyboard.target_duration_s == 60 and storyboard.aspect == "9:16"
    assert sum(s.duration_s for s in storyboard.scenes) - 0.5 * 5 == pytest.approx(60, abs=0.001)
    sent = _sent(fake_api)[0]["messages"][1]["content"]
    assert "60 seconds (from the request)" in sent and "9:16 (from the request)" in sent


def test_too_few_words_for_the_length_are_sent_back_then_warned_about(
    fake_api: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.storyboards.extend([storyboard_json(THREE), storyboard_json(THREE)])
    storyboard = _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes", duration_s=30))
    retry = _sent(fake_api)[1]["messages"][-1]["content"]
    assert "the narration has 10 words" in retry and "must last 30 s" in retry and "66-90 words" in retry
    assert "asked for 30 s but the planned narration takes about 4 s" in caplog.text
    assert storyboard.target_duration_s == 30


def test_an_invalid_correction_keeps_the_first_storyboard_of_the_wrong_length(
    fake_api: FakeAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.storyboards.extend([storyboard_json(THREE), '{"title": "no scenes"}'])
    storyboard = _planner(fake_api, tmp_path).plan(VideoRequest(prompt="foxes", duration_s=30))
    assert [s.narration for s in storyboard.scenes] == [n for n, _, _ in THREE]
    assert storyboard.target_duration_s == 30
    assert "keeping the first one" in caplog.text and "asked for 30 s" in caplog.text
