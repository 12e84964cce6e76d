from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from salon_infra.database import create_engine_for
from salon_infra.types import UtcDateTime


@pytest.mark.parametrize("url_fixture", ["sqlite", "postgresql"])
def test_timestamps_come_back_aware_and_in_utc(url_fixture, tmp_path, engine):
    db = create_engine_for(f"sqlite:///{tmp_path}/t.sqlite3") if url_fixture == "sqlite" else engine
    table = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    table.metadata.create_all(db)
    berlin_noon = datetime(2026, 3, 29, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with db.begin() as connection:
        connection.execute(insert(table).values(at=berlin_noon))
        stored = connection.execute(select(table.c.at)).scalar_one()
    assert stored == berlin_noon and stored.utcoffset() == timedelta(0)
    with pytest.raises(StatementError), db.begin() as connection:
        connection.execute(insert(table).values(at=datetime(2026, 1, 1)))
