"""Which database and cache the test run uses, read from the environment."""

import os

BACKEND = os.environ.get("MC_TEST_BACKEND", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("MC_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
