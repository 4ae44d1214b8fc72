"""One Settings object for the whole project, read from env vars and `.env`."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    results_dir: Path | None = Field(
        None, description="Where Prefect persists task results and cache records (default: <data_dir>/results)."
    )
    compose_deployment: str | None = Field(
        None, description="Run compose as this deployment (e.g. 'compose-video/compose') instead of in-process."
    )

    database_url: SecretStr | None = Field(None, validation_alias=AliasChoices("DATABASE_URL", "P2V_DATABASE_URL"))
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

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def results_path(self) -> Path:
        """Absolute results folder: resumed runs and other workers must find the same records."""
        return (self.results_dir or self.data_dir / "results").resolve()


@lru_cache
def get_settings() -> Settings:
    """Settings built once per process, so importing a flow never needs secrets."""
    return Settings()
