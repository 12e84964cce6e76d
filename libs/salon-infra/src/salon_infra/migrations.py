"""Run a service's Alembic migrations. Each service ships them in `<package>/migrations`.

Migrations run once per release (a Kubernetes Job, or `make run` before it starts the
services), never from a replica's start script.
"""

import argparse
import logging

from alembic import command, context
from alembic.config import Config

from salon_infra import config


def alembic_config(package: str, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", f"{package}:migrations")
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, database_url), revision)


def run_env(target_metadata) -> None:
    """The body of every service's migrations/env.py (online mode only)."""
    from sqlalchemy import create_engine, pool

    from salon_infra.database import with_driver

    url = with_driver(context.config.get_main_option("sqlalchemy.url"))
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def main_for(service_name: str, package: str):
    def main(argv=None) -> None:
        parser = argparse.ArgumentParser(description=f"Migrate the {service_name} database.")
        parser.add_argument("--database-url", help="default: DATABASE_URL, else the SQLite file")
        parser.add_argument("revision", nargs="?", default="head")
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
        upgrade(package, config.database_url(service_name, args.database_url), args.revision)

    return main
