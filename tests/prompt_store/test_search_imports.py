"""`p2v prompts show/list/history` must not pay for torch, MiniLM or the OpenAI client at import time."""

import subprocess
import sys
from pathlib import Path

_CHECK = """
import sys
import api.prompts_cli
light = set(sys.modules)
from prompt_store.store import PromptStore
from prompt_store.client import PromptClient
heavy = [m for m in ("torch", "sentence_transformers", "transformers", "openai") if m in sys.modules]
print("store-free" if "sqlalchemy" not in light else "sqlalchemy", *heavy)
"""


def test_cli_and_store_imports_load_no_model_or_openai_client() -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", _CHECK], cwd=root, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["store-free"]
