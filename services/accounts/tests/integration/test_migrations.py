import pytest
from alembic import command

from accounts.models import Base
from salon_infra.migrations import alembic_config, upgrade
from salon_infra.testing import schema_drift, temporary_database


def test_migrations_match_the_models(database_url):
    assert schema_drift(database_url, Base.metadata) == []


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migrations_go_down_and_up_again(dialect, tmp_path):
    def round_trip(url):
        upgrade("accounts", url)
        command.downgrade(alembic_config("accounts", url), "base")
        upgrade("accounts", url)
        assert schema_drift(url, Base.metadata) == []

    if dialect == "sqlite":
        round_trip(f"sqlite:///{tmp_path}/accounts.sqlite3")
    else:
        with temporary_database("accounts_roundtrip") as url:
            round_trip(url)
