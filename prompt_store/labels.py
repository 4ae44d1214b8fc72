"""Labels: named pointers (production, staging, custom) at versions, and the A/B split between them.

A run resolves a label to a version row (immutable), never to the `prompts` copy. A split such as
"production:80,staging:20" picks one label per run, deterministically from the run's id: a retried or resumed run
gets the same label, and over many runs the shares follow the weights.
"""

import hashlib
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prompt_store.exceptions import InvalidPromptInput, LabelNotFound
from prompt_store.history import get_prompt
from prompt_store.models import Prompt, PromptLabel, PromptVersion
from prompt_store.schemas import ActivePrompt, LabelInfo
from prompt_store.templates import parse_variables

PRODUCTION = "production"
LABEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
Split = list[tuple[str, float]]


def check_label(label: str) -> str:
    if not isinstance(label, str) or not LABEL_PATTERN.match(label):
        raise InvalidPromptInput("label", f"{label!r} is not a label: use 1-64 of a-z 0-9 . _ - (e.g. staging)")
    return label


def resolve(name: str, label: str, *, session: Session) -> ActivePrompt:
    """The version `label` points at, in one query. Production falls back to the active version (no label yet)."""
    pointed = PromptLabel.version
    if label == PRODUCTION:
        pointed = func.coalesce(PromptLabel.version, Prompt.active_version)
    row = session.scalars(
        select(PromptVersion)
        .join(Prompt, Prompt.id == PromptVersion.prompt_id)
        .outerjoin(PromptLabel, (PromptLabel.prompt_id == Prompt.id) & (PromptLabel.label == label))
        .where(Prompt.name == name, PromptVersion.version == pointed)
    ).one_or_none()
    if row is None:
        get_prompt(name, session=session)  # raises PromptNotFound
        raise LabelNotFound(name, label)
    return ActivePrompt(
        name=name,
        version=row.version,
        text=row.text,
        parameters=row.parameters,
        label=label,
        variables=parse_variables(row.metadata_.get("variables")),
    )


def list_labels(name: str, *, session: Session) -> list[LabelInfo]:
    prompt = get_prompt(name, session=session)
    rows = session.scalars(select(PromptLabel).where(PromptLabel.prompt_id == prompt.id).order_by(PromptLabel.label))
    return [
        LabelInfo(name=name, label=r.label, version=r.version, updated_by=r.updated_by, updated_at=r.updated_at)
        for r in rows
    ]


def parse_split(spec: str) -> Split:
    """Parse "production:80,staging:20" into [("production", 80.0), ("staging", 20.0)]; a bare label weighs 1."""
    split: Split = []
    for part in (p.strip() for p in spec.split(",")):
        label, has_weight, weight = part.partition(":")
        check_label(label.strip())
        try:
            value = float(weight) if has_weight else 1.0
        except ValueError:
            raise InvalidPromptInput("prompt_label", f"{part!r}: the weight must be a number") from None
        if not value >= 0 or value == float("inf"):
            raise InvalidPromptInput("prompt_label", f"{part!r}: the weight must be a finite number >= 0")
        split.append((label.strip(), value))
    if len({label for label, _ in split}) != len(split):
        raise InvalidPromptInput("prompt_label", f"{spec!r} names a label twice")
    if sum(weight for _, weight in split) <= 0:
        raise InvalidPromptInput("prompt_label", f"{spec!r}: the weights add up to 0")
    return split


def choose_label(split: Split, run_key: str, prompt_name: str) -> str:
    """The label a run gets: a point in [0, 1) from a hash of (run, prompt), laid over the cumulative weights."""
    if len(split) == 1:
        return split[0][0]
    digest = hashlib.sha256(f"{run_key}\x00{prompt_name}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(weight for _, weight in split)
    for label, weight in split:
        if point < weight:
            return label
        point -= weight
    return next(label for label, weight in reversed(split) if weight > 0)  # float rounding at the very end
