"""One Settings object for the whole project, read from env vars and `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    transition: str = Field("fade", description="xfade transition between scenes, or 'mixed' to vary them.")
    ken_burns: Literal["pan", "zoom", "none"] = Field("pan", description="Motion on stills; zoom costs more CPU.")
    music_path: Path | None = Field(None, description="Background music: one audio file or a folder of them.")

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


@lru_cache
def get_settings() -> Settings:
    """Settings built once per process, so importing a flow never needs secrets."""
    return Settings()
