"""The one way to build the OpenAI SDK client: the project's User-Agent, the caller's timeout and retry budget."""

import openai
from pydantic import SecretStr

from services.http import USER_AGENT


def openai_client(api_key: SecretStr, *, base_url: str | None, timeout_s: float, max_retries: int) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=api_key.get_secret_value(),
        base_url=base_url,
        timeout=timeout_s,
        max_retries=max_retries,
        default_headers={"User-Agent": USER_AGENT},
    )
