"""One Settings object for the whole project, read from env vars and `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.youtube_settings import YouTubeSettings


class Settings(BaseSettings):
    """Every setting the project reads; `.env.sample` lists them all."""

    model_config = SettingsConfigDict(env_prefix="P2V_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".p2v"), description="Caches, work files and the embedded Postgres.")
    output_dir: Path = Field(Path("output"), description="Where the local publisher writes finished videos.")
    media_dir: Path = Field(Path("media"), description="Local media folder searched before generating visuals.")
    ffmpeg_timeout_s: float = Field(900.0, gt=0, description="Hard limit for one ffmpeg process.")
    x264_preset: str = "veryfast"
    x264_crf: int = Field(23, ge=0, le=51)
    transition_s: float = Field(0.5, ge=0, le=2)
    transition: str = Field("fade", description="xfade transition between scenes, or 'mixed' to vary them.")
    ken_burns: Literal["pan", "zoom", "none"] = Field("pan", description="Motion on stills; zoom costs more CPU.")
    music_path: Path | None = Field(None, description="Background music: one audio file or a folder of them.")
    music: str = Field(
        "auto", description="auto: the bundled bed for the storyboard's mood (or P2V_MUSIC_PATH); none; or a mood."
    )
    captions: Literal["auto", "subtitle", "shorts"] = Field(
        "auto", description="Caption style; auto = shorts for 9:16 frames, subtitle otherwise."
    )

    # Providers (docs/providers.md): which run, in which order, how hard they are pushed
    media_providers: str = Field(
        "pexels,pixabay,depositphotos,local",
        description="Comma-separated search order; remote providers run only when their key is set.",
    )
    pexels_base_url: str = "https://api.pexels.com"
    pixabay_base_url: str = "https://pixabay.com/api"
    depositphotos_base_url: str = "https://api.depositphotos.com"
    openai_model: str | None = Field(
        None, description="Storyboard model; when set it wins over the prompt store's parameters (else gpt-4o-mini)."
    )
    openai_tts_model: str = "gpt-4o-mini-tts"
    openai_tts_voice: str = "alloy"
    voice: Literal["auto", "openai", "espeak", "silent"] = Field(
        "auto", description="Narration backend; auto = OpenAI with a key, else espeak-ng, else silent."
    )
    # Generated images (docs/images.md)
    image_generation: Literal["auto", "never", "fallback", "always"] = Field(
        "auto",
        description="Image model per scene: fallback = only scenes whose best stock scores below "
        "P2V_IMAGE_MIN_STOCK_SCORE; auto = fallback with OPENAI_API_KEY, else never.",
    )
    image_model: str = Field("gpt-image-2", description="OpenAI Images model (dall-e-* get their legacy sizes).")
    image_quality: str = Field("medium", description="low | medium | high | auto (GPT image models); cost grows.")
    image_size: str | None = Field(None, pattern=r"^\d+x\d+$", description="WIDTHxHEIGHT; default by model and aspect.")
    image_min_stock_score: float = Field(
        0.35, ge=0, le=1, description="In fallback mode, a scene whose best stock candidate scores below this is drawn."
    )
    image_timeout_s: float = Field(120.0, gt=0, description="Time limit of one image request (they take 10-60 s).")
    embedder: Literal["auto", "minilm", "keywords"] = Field(
        "auto", description="Ranking embedder; auto = MiniLM when installed, else keyword vectors."
    )
    rate_limits: str = Field(
        "pixabay=1.6",
        description="Requests per second per provider in one process, e.g. 'pexels=5,pixabay=1.6' (Pixabay: 100/min).",
    )
    http_timeout_s: float = Field(20.0, gt=0, description="Connect/read timeout of one provider request.")
    http_attempts: int = Field(4, ge=1, le=10, description="Tries per provider request (429/5xx/timeouts).")
    http_backoff_s: float = Field(1.0, ge=0, description="First retry delay; doubles each try, with jitter.")
    http_max_wait_s: float = Field(60.0, ge=0, description="Longest Retry-After we are willing to sleep.")
    cache_max_bytes: int = Field(5 * 1024**3, gt=0, description="Download cache size before LRU eviction.")
    response_cache_ttl_s: float = Field(
        24 * 3600.0, ge=0, description="How long stock search answers are reused (Pixabay asks for 24 h); 0 = off."
    )
    response_cache_max_bytes: int = Field(64 * 1024**2, gt=0, description="Search answer cache size before eviction.")
    results_dir: Path | None = Field(
        None, description="Where Prefect persists task results and cache records (default: <data_dir>/results)."
    )
    compose_deployment: str | None = Field(
        None, description="Run compose as this deployment (e.g. 'compose-video/compose') instead of in-process."
    )
    compose_segments: bool = Field(
        False, description="Compose in segments (render_segment.map, one per scene, cached by content), then join."
    )
    compose_workers: int = Field(2, ge=1, le=32, description="Segments one process renders at once (one ffmpeg each).")
    task_timeout_s: float = Field(3600.0, gt=0, description="Time limit of one step (task run); generous by design.")
    task_worker_grace_s: float = Field(
        30.0, gt=0, description="How long a compose run waits with no `p2v worker segments` serving before failing."
    )
    segment_runner: Literal["local", "task-workers"] = Field(
        "local",
        description="Where segments render: in the compose run's process, or on `p2v worker segments` processes "
        "(needs P2V_STORAGE_URL).",
    )
    notify_webhook_url: SecretStr | None = Field(
        None, description="A failed video or batch run POSTs a JSON notice here (a Prefect webhook block); unset: none."
    )
    notify_block: str | None = Field(
        None, description="Or a saved Prefect notification block, as 'block-type-slug/name' (e.g. 'slack-webhook/ops')."
    )

    # Storage shared by workers on several machines (docs/storage.md)
    storage_url: str | None = Field(
        None,
        pattern=r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/[^?#]*)?$",
        description="s3://bucket/prefix: artifacts and Prefect results in object storage; unset: the data folder.",
    )
    s3_endpoint_url: str | None = Field(None, description="S3-compatible endpoint (MinIO, ...); unset: AWS.")
    s3_region: str | None = Field(None, description="Region of the bucket; unset: botocore's default.")
    scratch_dir: Path | None = Field(
        None, description="Where a worker fetches a step's inputs from storage (default: <data_dir>/scratch)."
    )

    # Disk (docs/operations.md)
    media_max_pixels: int = Field(
        40_000_000, gt=0, description="Local media with more pixels (width x height, read from the header) is skipped."
    )
    retention_days: float = Field(
        7.0, gt=0, description="Renders, narration, generated images and results older than this are deleted."
    )
    work_max_bytes: int = Field(
        10 * 1024**3, gt=0, description="Size cap of those folders together; the least recently used go first."
    )
    retention_grace_s: float = Field(
        6 * 3600.0, ge=0, description="Files used more recently than this are never deleted (active runs' files)."
    )

    database_url: SecretStr | None = Field(None, validation_alias=AliasChoices("DATABASE_URL", "P2V_DATABASE_URL"))
    database_owner_url: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("P2V_DATABASE_OWNER_URL", "DATABASE_OWNER_URL"),
        description="The tables' owner, for migrations only; DATABASE_URL is then the least-privilege runtime role.",
    )
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "P2V_OPENAI_API_KEY")
    )
    pexels_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("PEXELS_API_KEY", "P2V_PEXELS_API_KEY")
    )
    pixabay_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("PIXABAY_API_KEY", "P2V_PIXABAY_API_KEY")
    )
    depositphotos_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DEPOSITPHOTOS_API_KEY", "P2V_DEPOSITPHOTOS_API_KEY")
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "P2V_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint; tests point it at a fake server on loopback.",
    )

    api_token: SecretStr | None = Field(None, description="Bearer token every REST request must carry.")
    api_deployment: str = Field("prompt-to-video/default", description="Deployment the REST API starts runs of.")
    api_max_runs: int = Field(4, ge=1, description="Runs started by the API and not yet finished, all users together.")
    api_max_runs_per_user: int = Field(2, ge=1, description="Runs started by the API and not yet finished, per user.")
    api_max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body the API reads (413 above).")

    # Prompt store
    embedding_model: str | None = Field(
        None,
        description="Embedding model for the prompt store; default: OpenAI when a key is set, else local MiniLM.",
    )
    prompt_cache_ttl_s: float = Field(5.0, ge=0, description="How long an active-prompt read is cached.")
    hnsw_ef_search: int = Field(40, ge=10, le=1000, description="HNSW candidate list size at query time.")
    embedded_shared_buffers: str = Field(
        "512MB",
        pattern=r"^[1-9][0-9]*(kB|MB|GB)$",
        description="shared_buffers of the embedded Postgres (from its next start): room for the HNSW index.",
    )

    youtube: YouTubeSettings = Field(default_factory=YouTubeSettings, description="P2V_YOUTUBE_* settings.")

    @model_validator(mode="after")
    def _task_workers_need_shared_storage(self) -> "Settings":
        """Refused at load, before any work: a worker on another machine could not read this machine's files."""
        if self.segment_runner == "task-workers" and self.storage_url is None:
            raise ValueError(
                "P2V_SEGMENT_RUNNER=task-workers needs P2V_STORAGE_URL=s3://bucket/prefix: "
                "segment workers on other machines cannot read this machine's files"
            )
        return self

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def rate_limit_map(self) -> dict[str, float]:
        pairs = (item.split("=", 1) for item in self.rate_limits.split(",") if "=" in item)
        return {name.strip().lower(): float(rate) for name, rate in pairs if float(rate) > 0}

    @property
    def media_provider_order(self) -> list[str]:
        return [name.strip().lower() for name in self.media_providers.split(",") if name.strip()]

    @property
    def scratch_path(self) -> Path:
        return (self.scratch_dir or self.data_dir / "scratch").resolve()

    @property
    def results_path(self) -> Path:
        """Absolute results folder: resumed runs and other workers must find the same records."""
        return (self.results_dir or self.data_dir / "results").resolve()


@lru_cache
def get_settings() -> Settings:
    """Settings built once per process, so importing a flow never needs secrets."""
    return Settings()
