from services.batch import ListQueue


def test_list_queue_hands_out_prompts_in_order_up_to_the_limit() -> None:
    queue = ListQueue(["a", "b", "c"])
    assert [q.prompt for q in queue.take(2)] == ["a", "b"]
    assert [q.prompt for q in queue.take(2)] == ["c"]
    assert queue.take(2) == []
