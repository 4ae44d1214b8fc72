import pytest
from pydantic import ValidationError

from services.batch import ListQueue, QueuedPrompt, QueueRequest


def test_list_queue_hands_out_prompts_in_order_up_to_the_limit() -> None:
    queue = ListQueue(["a", "b", "c"])
    assert [q.prompt for q in queue.take(2)] == ["a", "b"]
    assert [q.prompt for q in queue.take(2)] == ["c"]
    assert queue.take(2) == []


def test_a_queued_prompt_keeps_its_own_choices_and_names_its_run() -> None:
    item = QueuedPrompt.from_store(7, "Wölfe im Schnee!", "de", {"aspect": "9:16", "scenes": None, "other": 1})
    assert item.user_prompt_id == "7"
    assert item.options == {"aspect": "9:16", "language": "de"}
    assert item.run_name == "video-wölfe-im-schnee"


def test_a_queue_request_is_checked_and_keeps_only_the_choices_given() -> None:
    assert QueueRequest(prompt="Bees", aspect="1:1").options() == {"aspect": "1:1"}
    for bad in ({"prompt": "  "}, {"prompt": "ok", "aspect": "4:3"}, {"prompt": "ok", "scenes": 0}):
        with pytest.raises(ValidationError):
            QueueRequest(**bad)
