"""Typed settings read from `MC_`-prefixed environment variables."""

import logging
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Runtime configuration; the defaults run everything embedded (SQLite, in-process cache, local files)."""

    model_config = SettingsConfigDict(env_prefix="MC_", extra="ignore")

    database_url: str = "sqlite://var/mortgage-cloud.sqlite3"
    redis_url: str | None = None
    redis_prefix: str = Field(default="mc:", description="key prefix, so that several deployments can share one Redis")
    data_dir: Path = Path("var")
    public_base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"

    # Jobs one process runs at once. Pipeline steps are mostly CPU, so two jobs per process keep a core busy while
    # one waits on the database, and a burst is served in arrival order instead of all its jobs slowing together.
    # Webhooks have their own queue, so they never hold up a step.
    pipeline_concurrency: int = Field(default=2, ge=1)
    notify_concurrency: int = Field(default=4, ge=1)

    # Key for ID and phone numbers at rest (AES-GCM) and for their search hashes (HMAC-SHA256).
    # The default only suits a local demo, so production start-up rejects it.
    data_key: SecretStr = SecretStr("dev-only-data-key-change-me-0123456789abcdef")
    environment: str = "development"

    # WeChat official account and mini-program; the base URLs point at the mock server by default.
    wechat_api_base: str = "http://127.0.0.1:8101"
    wechat_open_base: str = "http://127.0.0.1:8101"
    wechat_mp_app_id: str = "wx-mp-demo-appid"
    wechat_mp_secret: SecretStr = SecretStr("mp-demo-secret")
    wechat_oa_app_id: str = "wx-oa-demo-appid"
    wechat_oa_secret: SecretStr = SecretStr("oa-demo-secret")
    wechat_token: SecretStr = SecretStr("demo-callback-token")
    wechat_encoding_aes_key: SecretStr = SecretStr("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    wechat_status_template_id: str = "status-template-demo"
    wechat_subscribe_template_id: str = "subscribe-status-template-demo"

    # Face verification provider (Baidu's face API protocol); the base URL points at the mock by default.
    face_api_base: str = "http://127.0.0.1:8102"
    face_app_id: str = "face-demo-app"
    face_api_key: str = "face-demo-key"
    face_secret_key: SecretStr = SecretStr("face-demo-secret")
    face_match_threshold: float = 80.0
    face_timeout_seconds: float = 5.0
    face_fresh_seconds: int = Field(default=600, description="how long a face verification stays valid for signing")

    # Bank API request signatures: allowed clock skew and nonce lifetime, in seconds.
    bank_signature_window_seconds: int = 300
    # How long the first response to an Idempotency-Key is kept for replay, in hours; older records are purged.
    idempotency_retention_hours: int = Field(default=24, ge=1)

    # Signed webhooks to the institutions' `webhook_url`: the per-request timeout and the backoff delays
    # in seconds (base delay doubled per failed attempt, capped, with jitter), and the attempts per series.
    webhook_timeout_seconds: float = 5.0
    webhook_retry_base_seconds: float = 2.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_max_attempts: int = 8

    registry_name: str = "长沙市不动产登记中心"
    registry_province_abbr: str = "湘"
    registry_city: str = "长沙市"
    registry_division_code: str = "430100"

    # Folder with changsha_lianjia_ershoufang_2022.csv, whose community names the seed register uses.
    housing_data_dir: Path = Path("../shared/data/housing")
    # The registry's own unified social credit code, printed in its seal certificate (demo value with a valid check character).
    registry_uscc: str = "12430100MB1D47286R"

    # RFC 3161 time-stamping authority for signature timestamps (PAdES B-T). Unset, signatures carry no timestamp.
    # The TSA's CA certificate, as a PEM file path or PEM text, is trusted for timestamps only, never for signers.
    tsa_url: str | None = None
    tsa_ca_certificate: str | None = None

    @field_validator("redis_url", "tsa_url", "tsa_ca_certificate")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _tsa_needs_ca(self) -> "Settings":
        if self.tsa_url and not self.tsa_ca_certificate:
            raise ValueError("MC_TSA_CA_CERTIFICATE must be set when MC_TSA_URL is set, so that timestamps can be trusted")
        return self

    @property
    def uses_redis(self) -> bool:
        """Whether cache, nonces and the job queue live in Redis rather than in this process."""
        return self.redis_url is not None

    def check_for_production(self) -> None:
        """Raise when a production start-up still carries a development default: a published secret or a mock's URL."""
        if self.environment != "production":
            return

        names = [f"MC_{name.upper()}" for name in PRODUCTION_REQUIRED if getattr(self, name) == _default(name)]
        if names:
            raise ValueError(f"{', '.join(names)} must be set in production: the development defaults are public "
                             "(secrets) or point at the local mocks (URLs)")
        if len(self.data_key.get_secret_value()) < MIN_DATA_KEY_LENGTH:
            raise ValueError(f"MC_DATA_KEY must be at least {MIN_DATA_KEY_LENGTH} characters in production")


# Settings whose development default is in this public file, or points at a mock, so production must set them.
PRODUCTION_REQUIRED = (
    "data_key", "wechat_mp_secret", "wechat_oa_secret", "wechat_token", "wechat_encoding_aes_key",
    "face_secret_key", "wechat_api_base", "wechat_open_base", "face_api_base",
)
MIN_DATA_KEY_LENGTH = 32


def _default(name: str) -> object:
    return Settings.model_fields[name].default


def may_start(settings: Settings) -> bool:
    """Return whether a server or worker may start with these settings, and log why not when it may not."""
    try:
        settings.check_for_production()
    except ValueError as error:
        log.error("start-up rejected", extra={"error": str(error)})
        return False
    return True


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once from the environment."""
    return Settings()
