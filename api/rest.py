"""The seed's REST contract on Prefect: POST /api/process/ starts a flow run, GET /api/tasks/<id>/ reports it,
GET /api/videos/<id> serves its video. Security notes: docs/security.md."""

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse
from urllib.request import url2pathname
from uuid import UUID

from fastapi import APIRouter, FastAPI, HTTPException, status
from fastapi.responses import FileResponse
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.admission import Admission
from api.auth import MIN_TOKEN_CHARS, AuthMiddleware, CurrentUser
from api.prompts_rest import router as prompts_router
from api.queue_rest import router as queue_router
from api.rest_errors import ERROR_RESPONSES, ErrorDetail, install_error_handlers
from api.run_status import TaskStatus, read_task_status, video_link
from prompt_store.users import get_user_tokens
from services.models import Mood, VideoRequest
from services.publish.local import slugify
from services.run_tags import API_TAG, user_from_tags, user_tag
from services.settings import Settings, get_settings

USERS_SUBFOLDER = "users"


class ApiVideoRequest(VideoRequest):
    """A run request over HTTP: strict JSON types (no `"3"` for 3, no `true` for 1), finite numbers, valid Unicode;
    music is a mood or none, never a path on the server."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False)

    music: Mood | Literal["none"] | None = Field(None, description="Music bed: 'none' or a mood; default by mood.")

    @field_validator("*", mode="before")
    @classmethod
    def _valid_unicode(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("contains a lone surrogate, which is not valid Unicode") from None
        return value

    @field_validator("scenes", mode="before")
    @classmethod
    def _integral_number(cls, value: Any) -> Any:
        """JSON Schema counts 3.0 as an integer, so it is one here too; `true` and `"3"` stay refused."""
        return int(value) if type(value) is float and value.is_integer() else value


class ProcessAccepted(BaseModel):
    task_id: UUID


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API app: every route behind the token check and the body cap (AuthMiddleware)."""
    settings = settings or get_settings()
    admin_token = settings.api_token.get_secret_value() if settings.api_token else None
    if admin_token is not None and len(admin_token) < MIN_TOKEN_CHARS:
        raise RuntimeError(f"P2V_API_TOKEN is shorter than {MIN_TOKEN_CHARS} characters: use a long random token")
    app = FastAPI(
        title="prompt-to-video",
        version="1.1",
        redirect_slashes=False,
        responses={401: ERROR_RESPONSES[401], 413: ERROR_RESPONSES[413]},
    )
    app.add_middleware(
        AuthMiddleware, admin_token=admin_token, users=get_user_tokens, max_body_bytes=settings.api_max_body_bytes
    )
    install_error_handlers(app)
    admission = Admission(max_runs=settings.api_max_runs, max_runs_per_user=settings.api_max_runs_per_user)
    app.include_router(runs_router(settings, admission))
    app.include_router(queue_router)
    app.include_router(prompts_router)
    from api.web import install_web  # the pages import this module's helpers

    install_web(app, settings, admission)
    return app


async def start_video_run(
    settings: Settings, admission: Admission, username: str, parameters: dict[str, Any]
) -> FlowRun:
    """Start a run of the API's deployment for `username` under admission; `parameters` are already validated."""
    parameters = parameters | {"output_dir": str(user_output_dir(settings, username))}

    async def start() -> FlowRun:
        try:
            return await run_deployment(
                settings.api_deployment,
                parameters=parameters,
                flow_run_name=f"video-{slugify(parameters['prompt'], 48)}",
                timeout=0,
                tags=[API_TAG, user_tag(username)],
            )
        except ObjectNotFound:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"deployment {settings.api_deployment!r} is not deployed on the Prefect server",
            ) from None

    return await admission.start(username, start)


def runs_router(settings: Settings, admission: Admission | None = None) -> APIRouter:
    router = APIRouter()
    admission = admission or Admission(max_runs=settings.api_max_runs, max_runs_per_user=settings.api_max_runs_per_user)
    secrets = secret_values(settings)

    async def process(request: ApiVideoRequest, user: CurrentUser) -> ProcessAccepted:
        """Start a video run; returns at once with the flow run id as `task_id`."""
        flow_run = await start_video_run(settings, admission, user.username, request.model_dump(exclude_none=True))
        return ProcessAccepted(task_id=flow_run.id)

    async def task_status(task_id: UUID, user: CurrentUser) -> TaskStatus:
        """State of a run, each step's state and duration, and the video URL or the failed step."""
        async with get_client() as client:
            flow_run = await own_run(client, task_id, user.username)
            return await read_task_status(client, flow_run, secrets=secrets)

    async def video(task_id: UUID, user: CurrentUser) -> FileResponse:
        """The published video of a finished run of yours."""
        async with get_client() as client:
            await own_run(client, task_id, user.username)
            link = await video_link(client, task_id)
        path = contained_file(link, user_output_dir(settings, user.username))
        return FileResponse(path, media_type="video/mp4", filename=f"{task_id}.mp4")

    not_found = {"description": "No run of yours with this id", "model": ErrorDetail}
    busy = {"description": "Too many runs in flight (see Retry-After)", "model": ErrorDetail}
    _add_route(
        router,
        "POST",
        "/api/process/",
        process,
        status_code=status.HTTP_202_ACCEPTED,
        response_model=ProcessAccepted,
        responses={**{code: ERROR_RESPONSES[code] for code in (400, 422, 503)}, 429: busy},
    )
    _add_route(
        router,
        "GET",
        "/api/tasks/{task_id}/",
        task_status,
        response_model=TaskStatus,
        responses={404: not_found, 503: ERROR_RESPONSES[503]},
    )
    video_ok = {"content": {"video/mp4": {}}, "description": "The video (HTTP range requests supported)"}
    _add_route(
        router,
        "GET",
        "/api/videos/{task_id}",
        video,
        response_class=FileResponse,
        responses={200: video_ok, 404: not_found, 503: ERROR_RESPONSES[503]},
    )
    return router


def _add_route(router: APIRouter, method: str, path: str, endpoint: Any, **options: Any) -> None:
    """The route with and without its trailing slash: the other form is served, never redirected (to the Host)."""
    twin = path[:-1] if path.endswith("/") else f"{path}/"
    router.add_api_route(path, endpoint, methods=[method], **options)
    router.add_api_route(twin, endpoint, methods=[method], include_in_schema=False, **options)


def user_output_dir(settings: Settings, username: str) -> Path:
    """The caller's own folder under P2V_OUTPUT_DIR; the API and the serving process must share this folder."""
    return settings.output_dir.resolve() / USERS_SUBFOLDER / username


async def own_run(client: Any, task_id: UUID, username: str) -> FlowRun:
    """The flow run if the API started it for this caller; anything else is 'not found' (no existence oracle)."""
    try:
        flow_run = await client.read_flow_run(task_id)
    except ObjectNotFound:
        flow_run = None
    if flow_run is None or user_from_tags(flow_run.tags) != username:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such task")
    return flow_run


def contained_file(link: str | None, folder: Path) -> Path:
    if not link or not link.startswith("file:"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this run has no video served here")
    path = Path(url2pathname(urlparse(link).path)).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this run has no video served here")
    return path


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret, masked out of error messages shown to callers."""
    values = [settings.api_token, settings.database_url, settings.openai_api_key, settings.pexels_api_key]
    values += [settings.pixabay_api_key, settings.depositphotos_api_key]
    return [v.get_secret_value() for v in values if v is not None]
