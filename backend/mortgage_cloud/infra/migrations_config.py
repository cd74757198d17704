"""Tortoise config for the `tortoise` migration tool: `tortoise -c mortgage_cloud.infra.migrations_config.TORTOISE_ORM makemigrations`."""

from mortgage_cloud.infra.db import tortoise_config
from mortgage_cloud.settings import Settings

TORTOISE_ORM = tortoise_config(Settings(database_url="sqlite://:memory:"))
