"""Cache keys of the planning steps (storyboard, media search): only what can change what they find.

Publishing somewhere else, another caption look, other music or other image settings (docs/images.md: pictures are
drawn after the search) must not re-plan the storyboard (a paid LLM call with a key) nor search the stock sites
again: those request fields and the settings that only shape the publication, the render or the drawing are left out
of these keys. `fresh` (flows/prompt_to_video.py) bypasses every cache instead.
"""

from dataclasses import dataclass, field
from typing import Any

from prefect.cache_policies import INPUTS, TASK_SOURCE, CachePolicy
from prefect.context import TaskRunContext
from prefect.utilities.hashing import hash_objects
from pydantic import BaseModel

from services.settings import get_settings
from tasks.resume import IntactInputs, result_storage, settings_fingerprint

NOT_PLANNING_REQUEST_FIELDS = frozenset({"publish_target", "captions", "music", "voice"})
NOT_PLANNING_SETTINGS = frozenset(
    {
        "youtube",
        "api_token",
        "api_deployment",
        "transition_s",
        "transition",
        "ken_burns",
        "music_path",
        "music",
        "captions",
        "cache_max_bytes",
    }
    | {"image_generation", "image_model", "image_quality", "image_size", "image_min_stock_score", "image_timeout_s"}
)


@dataclass
class PlanningSettings(CachePolicy):
    """The settings fingerprint without the publish- and render-only settings."""

    ignore: frozenset[str] = NOT_PLANNING_SETTINGS

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        fingerprint = {k: v for k, v in settings_fingerprint(get_settings()).items() if k not in self.ignore}
        return hash_objects(fingerprint, raise_on_failure=True)


@dataclass
class PlanningRequest(CachePolicy):
    """The `request` input (a VideoRequest) without the fields that do not change the plan."""

    parameter: str = "request"
    ignore: frozenset[str] = field(default=NOT_PLANNING_REQUEST_FIELDS)

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        request = inputs.get(self.parameter)
        if isinstance(request, BaseModel):
            request = request.model_dump(mode="json", exclude=set(self.ignore))
        return hash_objects(request, raise_on_failure=True)


def planning_cache(*, request_parameter: str | None = None) -> dict[str, Any]:
    """`@task` options like `resumable()`, keyed on the planning inputs only."""
    if request_parameter is None:
        base = INPUTS + TASK_SOURCE + PlanningSettings()
    else:
        base = INPUTS - request_parameter + PlanningRequest(request_parameter) + TASK_SOURCE + PlanningSettings()
    return {"cache_policy": IntactInputs(base=base), "persist_result": True, "result_storage": result_storage()}
