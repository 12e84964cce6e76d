"""Triggers that bump a companies.<column> counter on every write to the given tables.

Used by migrations 0002, 0003 and 0006; versioned like salon_infra's create_tables_v1, so a
later change here cannot alter what those migrations did.
"""

import sqlalchemy as sa


def create_version_bumps_v1(op, column: str, tables: tuple[str, ...]) -> None:
    op.add_column("companies", sa.Column(column, sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        bump = _bump_v1(column)
        op.execute(
            f"CREATE FUNCTION bump_{column}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {bump.format(row='OLD')}; ELSE {bump.format(row='NEW')}; END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
    for table in tables:
        create_bump_triggers_v1(op, column, table)


def drop_version_bumps_v1(op, column: str, tables: tuple[str, ...]) -> None:
    for table in tables:
        drop_bump_triggers_v1(op, column, table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION bump_{column}()")
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would rebuild companies, which SQLite
    # refuses while other tables' triggers refer to it.
    op.execute(f"ALTER TABLE companies DROP COLUMN {column}")


def create_bump_triggers_v1(op, column: str, table: str) -> None:
    """The triggers of one table; on PostgreSQL the column's bump function must exist.

    SQLite drops a table's triggers with the table, so a migration that rebuilds a covered
    table in batch mode calls this again afterwards.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_bump_{column} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION bump_{column}()"
        )
        return
    bump = _bump_v1(column)
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER {table}_bump_{column}_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {bump.format(row=row)}; END"
        )


def drop_bump_triggers_v1(op, column: str, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_bump_{column} ON {table}")
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER {table}_bump_{column}_{event}")


def _bump_v1(column: str) -> str:
    return f"UPDATE companies SET {column} = {column} + 1 WHERE id = {{row}}.company_id"
