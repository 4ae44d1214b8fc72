"""Which model the planner calls and which request parameters that model takes.

Precedence for the model: P2V_OPENAI_MODEL when it is set > the prompt version's `model` parameter > DEFAULT_MODEL.
Reasoning models (o-series, the gpt-5 family except its chat models) accept only the default temperature (1), no
sampling penalties, and `max_completion_tokens` instead of the older `max_tokens`; those parameters are left out or
renamed for them, so a prompt version written for gpt-4o keeps working after the model is switched.
"""

import logging
import re
from typing import Any

log = logging.getLogger(__name__)
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TEMPERATURE = 0.7
SAMPLING = ("temperature", "top_p", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs")
REASONING_ONLY = ("reasoning_effort",)
PASSED = ("seed", *SAMPLING, *REASONING_ONLY)
TOKEN_LIMITS = ("max_completion_tokens", "max_tokens")
_REASONING = re.compile(r"^(o\d|gpt-5)(?!.*-chat)", re.IGNORECASE)


def choose_model(explicit: str | None, parameters: dict[str, Any]) -> str:
    """The explicit setting, else the prompt version's model, else DEFAULT_MODEL."""
    return explicit or str(parameters.get("model") or "") or DEFAULT_MODEL


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING.match(model.rsplit("/", 1)[-1]))


def token_limit(parameters: dict[str, Any]) -> int | None:
    """The output token limit the prompt version asks for, under either of its names."""
    for name in TOKEN_LIMITS:
        if parameters.get(name) is not None:
            return int(parameters[name])
    return None


def request_options(model: str, parameters: dict[str, Any], *, max_tokens: int | None = None) -> dict[str, Any]:
    """The keyword arguments of the chat call: the model, and only the parameters this model takes."""
    reasoning = is_reasoning_model(model)
    options: dict[str, Any] = {"model": model}
    for name in PASSED:
        if name not in parameters:
            continue
        if reasoning and name in SAMPLING or not reasoning and name in REASONING_ONLY:
            log.info("%s does not take %s; left out", model, name)
            continue
        options[name] = parameters[name]
    if not reasoning:
        options.setdefault("temperature", DEFAULT_TEMPERATURE)
    limit = max_tokens if max_tokens is not None else token_limit(parameters)
    if limit is not None:
        legacy = not reasoning and "max_tokens" in parameters and "max_completion_tokens" not in parameters
        options["max_tokens" if legacy else "max_completion_tokens"] = limit
    return options
