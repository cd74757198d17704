"""Production start-up: every published development secret and mock URL must be replaced."""

import subprocess
import sys

import pytest

from mortgage_cloud.settings import PRODUCTION_REQUIRED, Settings, may_start

# Values a production deployment might set, none equal to a development default.
PRODUCTION_VALUES = {
    "data_key": "a-production-data-key-of-at-least-32-characters",
    "wechat_mp_secret": "mp-production-secret",
    "wechat_oa_secret": "oa-production-secret",
    "wechat_token": "production-callback-token",
    "wechat_encoding_aes_key": "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut",
    "face_secret_key": "face-production-secret",
    "wechat_api_base": "https://api.weixin.qq.com",
    "wechat_open_base": "https://open.weixin.qq.com",
    "face_api_base": "https://aip.baidubce.com",
}


def production_settings(**changes: str) -> Settings:
    return Settings(environment="production", **{**PRODUCTION_VALUES, **changes})


def test_production_values_cover_required_settings():
    assert set(PRODUCTION_VALUES) == set(PRODUCTION_REQUIRED)


def test_production_with_all_set_accepted():
    assert may_start(production_settings()) is True


@pytest.mark.parametrize("name", PRODUCTION_REQUIRED)
def test_production_default_rejected(name):
    default = Settings.model_fields[name].default
    value = default.get_secret_value() if hasattr(default, "get_secret_value") else default

    with pytest.raises(ValueError, match=f"MC_{name.upper()}"):
        production_settings(**{name: value}).check_for_production()


def test_production_short_data_key_rejected():
    with pytest.raises(ValueError, match="at least 32 characters"):
        production_settings(data_key="short-but-not-the-default").check_for_production()


def test_development_defaults_accepted():
    assert may_start(Settings()) is True


@pytest.fixture(scope="module")
def production_serve() -> subprocess.CompletedProcess:
    """`mortgage-cloud serve` started in production with every development default left in place."""
    return subprocess.run([sys.executable, "-m", "mortgage_cloud.cli", "serve", "--port", "1"],
                          env={"MC_ENVIRONMENT": "production", "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60, check=False)


def test_serve_production_defaults_exits_2(production_serve):
    assert production_serve.returncode == 2


def test_serve_production_defaults_logs_names(production_serve):
    assert "MC_WECHAT_TOKEN" in production_serve.stderr
