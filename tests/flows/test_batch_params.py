"""The deployment form: every parameter described, internals left out of the form but still accepted."""

from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools import validate

from flows.batch import batch_videos
from flows.prompt_to_video import prompt_to_video

INTERNAL = {"user_prompt_id"}


def test_the_video_form_describes_each_parameter_and_hides_internals() -> None:
    schema = parameter_schema(prompt_to_video).model_dump()
    properties = schema["properties"]
    assert INTERNAL.isdisjoint(properties)
    assert {
        "prompt",
        "aspect",
        "scenes",
        "duration_s",
        "language",
        "publish_target",
        "captions",
        "music",
        "voice",
        "fresh",
        "prompt_label",
        "output_dir",
    } == set(properties)
    assert all(len(p.get("description", "")) > 15 for p in properties.values()), properties
    validate({"prompt": "Bees", "output_dir": "/tmp/x", "user_prompt_id": 4}, schema, raise_on_error=True)


def test_the_batch_form_describes_each_parameter() -> None:
    properties = parameter_schema(batch_videos).model_dump()["properties"]
    assert "max_parallel" in properties and "output_dir" in properties
    assert all(len(p.get("description", "")) > 10 for p in properties.values()), properties
    assert properties["max_parallel"]["minimum"] == 1
