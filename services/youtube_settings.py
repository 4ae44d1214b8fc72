"""YouTube publishing settings (env prefix P2V_YOUTUBE_), nested in `Settings.youtube`.

A separate model keeps the YouTube knobs together; it is still reached only through `get_settings()`.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CHUNK_QUANTUM = 256 * 1024  # resumable uploads need chunks in multiples of 256 KiB
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
READONLY_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"  # to find our own earlier uploads
SCOPES = (UPLOAD_SCOPE, READONLY_SCOPE)
_CONFIG = Path("~/.config/p2v")


class YouTubeSettings(BaseSettings):
    """Where the credentials live, what the uploaded video looks like, and how hard to retry."""

    model_config = SettingsConfigDict(env_prefix="P2V_YOUTUBE_", env_file=".env", extra="ignore")

    client_secrets_file: Path = Field(
        _CONFIG / "youtube-client-secret.json", description="OAuth client (Desktop app) JSON from Google Cloud."
    )
    token_file: Path = Field(
        _CONFIG / "youtube-token.json", description="Refreshable token written by `p2v youtube auth` (mode 0600)."
    )
    token_block: str | None = Field(
        None, description="Name of a Prefect Secret block holding the token JSON; used instead of token_file."
    )
    token_uri: str | None = Field(None, description="OAuth token endpoint override (tests point it at a fake).")
    api_url: str = Field("https://youtube.googleapis.com/", description="API root URL (tests use a fake).")
    privacy_status: Literal["private", "unlisted", "public"] = "private"
    made_for_kids: bool = Field(False, description="Sent explicitly as status.selfDeclaredMadeForKids.")
    category_id: str = Field("22", description="YouTube video category id (22 = People & Blogs).")
    tags: list[str] = Field(default_factory=list, description="Extra tags added to every upload.")
    chunk_size: int = Field(8 * 1024 * 1024, gt=0, description="Upload chunk size in bytes (multiple of 256 KiB).")
    max_retries: int = Field(6, ge=0, le=20, description="Consecutive retries of one call on 5xx/network errors.")
    retry_base_s: float = Field(1.0, ge=0, description="First backoff delay; doubles each retry.")
    retry_max_s: float = Field(60.0, ge=0, description="Longest single backoff delay.")
    retry_jitter: float = Field(
        0.5, ge=0, le=1, description="Each backoff delay is stretched by a random 0..jitter share of itself."
    )
    max_sessions: int = Field(
        3, ge=1, le=10, description="Upload sessions to start for one video when YouTube expires the earlier one."
    )
    synthetic_media: Literal["auto", "true", "false"] = Field(
        "auto",
        description="status.containsSyntheticMedia (altered or synthetic content disclosure); "
        "auto: true when the video uses generated realistic media.",
    )
    timeout_s: float = Field(120.0, gt=0, description="Timeout of one HTTP request.")
    marker_scan: int = Field(50, ge=1, le=500, description="How many recent uploads to scan for our marker.")

    @field_validator("chunk_size")
    @classmethod
    def _whole_quanta(cls, value: int) -> int:
        if value % CHUNK_QUANTUM:
            raise ValueError(f"must be a multiple of {CHUNK_QUANTUM} bytes (256 KiB)")
        return value
