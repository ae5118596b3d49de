"""One validated settings object, built by a factory (never at import time)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 — placeholder refused outside development
DEV_PAYMENT_SECRET = "sandbox-dev-payment-secret"  # noqa: S105


class Settings(BaseSettings):
    """Everything configurable, from environment variables prefixed ``SHANHUO_``.

    Defaults run offline on SQLite under ``data/``; production must set real secrets.
    """

    model_config = SettingsConfigDict(env_prefix="SHANHUO_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite file under data_dir when unset"
    )
    redis_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    # Periodic jobs in the server (payment timeouts, live-room ticks). Off in tests, which
    # call the jobs directly; the test suite sets SHANHUO_BACKGROUND_JOBS=false.
    background_jobs: bool = True

    # Accounts
    sms_backend: Literal["console"] = "console"
    otp_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    otp_max_attempts: int = Field(default=5, ge=1, le=20)
    otp_max_per_mobile_per_hour: int = Field(default=5, ge=1)
    otp_max_per_address_per_hour: int = Field(default=30, ge=1)
    otp_min_interval_seconds: int = Field(default=60, ge=0)
    session_days: int = Field(default=30, ge=1)
    api_token_days: int = Field(default=90, ge=1)

    # Catalog
    storage_backend: Literal["local"] = "local"
    upload_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)

    # Orders and payments
    payment_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    payment_provider: Literal["sandbox"] = "sandbox"
    payment_sandbox_secret: SecretStr = SecretStr(DEV_PAYMENT_SECRET)
    platform_fee_rate: Decimal = Field(default=Decimal("0.006"), ge=0, lt=1)

    # Live rooms (live/)
    live_ticker_seconds: float = Field(default=3.0, gt=0, le=60)
    live_deal_payment_minutes: int = Field(default=10, ge=1, le=24 * 60)
    live_intake_max_batch: int = Field(default=500, ge=1, le=5000)
    # The deal writer's shape (live/intake.py, ``writer_shape``): "auto" picks by database
    # and by how many worker processes ($WEB_CONCURRENCY, as uvicorn reads it) share the CPUs.
    live_intake_writer: Literal["auto", "thread", "task"] = "auto"
    live_redis_prefix: str = Field(default="shanhuo:", max_length=40)
    live_bench_endpoints: bool = False  # the echo and naive-intake endpoints of bench/live.py

    # Logistics and routing (logistics/)
    logistics_free_storage_days: int = Field(default=3, ge=1, le=30)
    logistics_return_after_days: int = Field(default=7, ge=2, le=60)
    logistics_pickup_max_attempts: int = Field(default=5, ge=1, le=20)
    logistics_carrier_transit_hours: int = Field(default=48, ge=1, le=24 * 14)
    logistics_carrier_webhook_secret: SecretStr = SecretStr("local-carrier-webhook-secret")
    routing_road_factor: float = Field(default=1.4, ge=1.0, le=4.0)
    routing_speed_kmh: float = Field(default=35.0, gt=5, le=120)
    routing_solve_seconds: float = Field(default=3.0, gt=0, le=600)
    routing_perishable_window_minutes: int = Field(default=240, ge=30, le=24 * 60)

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Settings:
        if self.env == "production":
            if self.secret_key.get_secret_value() == DEV_SECRET:
                raise ValueError("SHANHUO_SECRET_KEY must be set in production")
            if self.payment_sandbox_secret.get_secret_value() == DEV_PAYMENT_SECRET:
                raise ValueError("SHANHUO_PAYMENT_SANDBOX_SECRET must be set in production")
        return self

    @property
    def run_background_jobs(self) -> bool:
        return self.background_jobs and self.env != "test"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'shanhuo.db').resolve()}"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (tests, CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]
