"""Which database errors say "try again" (a 503) rather than "a bug" (a 500), on the real databases."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from salon_infra.database import create_engine_for, is_transient
from salon_infra.testing import free_port


def error_of(engine, *statements) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    return raised.value


def test_a_server_that_cannot_be_reached_is_transient():
    engine = create_engine_for(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    assert is_transient(error_of(engine, "SELECT 1"))


def test_a_cancelled_statement_and_a_deadlock_class_are_transient_a_bad_statement_is_not(engine):
    assert is_transient(error_of(engine, "SET statement_timeout = 10", "SELECT pg_sleep(1)"))  # 57014
    assert is_transient(error_of(engine, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$"))
    assert is_transient(error_of(engine, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '53300'; END $$"))
    assert not is_transient(error_of(engine, "SELECT 1 / 0"))
    assert not is_transient(error_of(engine, "SELECT * FROM no_such_table"))


def test_on_sqlite_a_locked_database_is_transient_a_missing_table_is_not(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'locked.db'}", connect_args={"timeout": 0})
    with engine.connect() as holder:
        holder.execute(text("CREATE TABLE t (x INTEGER)"))
        holder.commit()
        holder.exec_driver_sql("BEGIN EXCLUSIVE")
        assert is_transient(error_of(engine, "SELECT * FROM t"))
        holder.rollback()
    assert not is_transient(error_of(engine, "SELECT * FROM no_such_table"))
