"""REST: POST /api/queue/ queues a prompt for the batch run, GET /api/queue/ lists the caller's queued prompts.

The app-wide auth middleware (api/auth.py) covers these routes; the caller is the prompt's user.
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.auth import CurrentUser
from api.rest_errors import ERROR_RESPONSES
from services.batch import QueueRequest

router = APIRouter(prefix="/api/queue", tags=["queue"])


class QueuedItem(BaseModel):
    id: int
    status: str
    prompt: str
    language: str | None
    options: dict[str, Any]
    created_at: datetime | None = None


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=QueuedItem,
    responses={code: ERROR_RESPONSES[code] for code in (400, 422)},
)
async def queue_prompt(request: QueueRequest, user: CurrentUser) -> QueuedItem:
    """Queue a prompt for the next batch run (batch-videos/nightly); it keeps its own aspect, scenes, length."""
    from prompt_store import get_store

    queued = await run_in_threadpool(
        get_store().queue_user_prompt,
        request.prompt,
        language=request.language,
        metadata=request.options(),
        username=user.username,
    )
    return QueuedItem(
        id=queued, status="queued", prompt=request.prompt, language=request.language, options=request.options()
    )


@router.get("/", response_model=list[QueuedItem])
async def list_queue(user: CurrentUser, limit: int = 100) -> list[QueuedItem]:
    """Your queued prompts, oldest first (the order the batch takes them in)."""
    from prompt_store import get_store

    rows = await run_in_threadpool(get_store().list_user_prompts, ["queued"], max(1, min(limit, 1000)), user.username)
    return [
        QueuedItem(
            id=r.id, status=r.status, prompt=r.text, language=r.language, options=r.metadata, created_at=r.created_at
        )
        for r in rows
    ]
