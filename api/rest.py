"""The seed's REST contract on Prefect: POST /api/process/ starts a flow run, GET /api/tasks/<id>/ reports it."""

import hmac
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from pydantic import BaseModel, Field

from api.prompts_rest import router as prompts_router
from api.queue_rest import router as queue_router
from api.run_status import TaskStatus, read_task_status
from services.models import Mood, VideoRequest
from services.settings import Settings, get_settings

_bearer = HTTPBearer(auto_error=False, description="The API token from P2V_API_TOKEN.")


class ApiVideoRequest(VideoRequest):
    """A run request over HTTP: music is a mood or none, never a path on the server."""

    music: Mood | Literal["none"] | None = Field(None, description="Music bed: 'none' or a mood; default by mood.")


class ProcessAccepted(BaseModel):
    task_id: UUID


class ErrorDetail(BaseModel):
    detail: str


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API app; refuses to start without a configured token."""
    settings = settings or get_settings()
    if settings.api_token is None or not settings.api_token.get_secret_value():
        raise RuntimeError("P2V_API_TOKEN is not set: the REST API needs a token to check requests against")
    expected = settings.api_token.get_secret_value().encode()

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing or invalid API token", headers={"WWW-Authenticate": "Bearer"}
            )

    app = FastAPI(
        title="prompt-to-video",
        version="1.0",
        dependencies=[Depends(require_token)],
        responses={401: {"description": "Missing or invalid API token", "model": ErrorDetail}},
    )

    @app.post(
        "/api/process/",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=ProcessAccepted,
        responses={
            400: {"description": "The body is not valid JSON or UTF-8"},
            503: {"description": "The deployment is not on the Prefect server", "model": ErrorDetail},
        },
    )
    async def process(request: ApiVideoRequest) -> ProcessAccepted:
        """Start a video run; returns at once with the flow run id as `task_id`."""
        try:
            flow_run = await run_deployment(
                settings.api_deployment,
                parameters=request.model_dump(exclude_none=True),
                timeout=0,
                tags=["api"],
            )
        except ObjectNotFound:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"deployment {settings.api_deployment!r} is not deployed on the Prefect server",
            ) from None
        return ProcessAccepted(task_id=flow_run.id)

    @app.get(
        "/api/tasks/{task_id}/",
        response_model=TaskStatus,
        responses={404: {"description": "No run with this id", "model": ErrorDetail}},
    )
    async def task_status(task_id: UUID) -> TaskStatus:
        """State of a run, each step's state and duration, and the video or the failed step."""
        async with get_client() as client:
            try:
                flow_run = await client.read_flow_run(task_id)
            except ObjectNotFound:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such task") from None
            return await read_task_status(client, flow_run)

    app.include_router(queue_router)
    app.include_router(prompts_router)
    return app
