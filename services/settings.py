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

    database_url: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "P2V_DATABASE_URL")
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

    # Prompt store
    embedding_model: str | None = Field(
        None,
        description="Embedding model for the prompt store; default: OpenAI when a key is set, else local MiniLM.",
    )
    prompt_cache_ttl_s: float = Field(5.0, ge=0, description="How long an active-prompt read is cached.")
    hnsw_ef_search: int = Field(40, ge=10, le=1000, description="HNSW candidate list size at query time.")

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
