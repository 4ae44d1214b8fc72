"""Labels: named pointers (production, staging, custom) at versions, and the A/B split between them.

A run resolves a label to a version row (immutable), never to the `prompts` copy. A split such as
"production:80,staging:20" picks one label per run, deterministically from the run's id: a retried or resumed run
gets the same label, and over many runs the shares follow the weights.
"""

import hashlib
import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from prompt_store.exceptions import InvalidPromptInput, LabelNotFound
from prompt_store.history import get_prompt
from prompt_store.models import PromptLabel
from prompt_store.schemas import ActivePrompt, LabelInfo
from prompt_store.templates import parse_variables

PRODUCTION = "production"
LABEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
Split = list[tuple[str, float]]


def check_label(label: str) -> str:
    if not isinstance(label, str) or not LABEL_PATTERN.match(label):
        raise InvalidPromptInput("label", f"{label!r} is not a label: use 1-64 of a-z 0-9 . _ - (e.g. staging)")
    return label


# The version number first (LATERAL), then the version row by its unique (prompt_id, version) index.
_RESOLVE = text(
    "SELECT v.version, v.text, v.parameters, v.metadata FROM prompts p CROSS JOIN LATERAL (SELECT coalesce("
    "(SELECT l.version FROM prompt_labels l WHERE l.prompt_id = p.id AND l.label = :label), "
    "CASE WHEN :label = 'production' THEN p.active_version END) AS wanted) w "
    "JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = w.wanted WHERE p.name = :name"
)


def resolve(name: str, label: str, *, session: Session) -> ActivePrompt:
    """The version `label` points at, in one indexed query. Production falls back to the active version."""
    row = session.execute(_RESOLVE, {"name": name, "label": label}).one_or_none()
    if row is None:
        get_prompt(name, session=session)  # raises PromptNotFound
        raise LabelNotFound(name, label)
    version, body, parameters, metadata = row
    return ActivePrompt(
        name=name,
        version=version,
        text=body,
        parameters=parameters,
        label=label,
        variables=parse_variables(metadata.get("variables")),
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
