"""Many rows in one statement whose SQL text does not depend on how many rows there are.

Why: SQLAlchemy's multi-row INSERT and ``IN (…)`` render one bound parameter per value, so a
batch of 64 orders produces SQL text that differs with every batch size. On PostgreSQL that text
is parsed again by psycopg (a regular-expression pass over a long string, ~1 ms per statement)
and planned again by the server, every batch. The flash-deal intake (``live.intake``) spends
most of a batch doing that. Passing the rows as one JSON parameter and a list as one array parameter instead —
``INSERT … SELECT FROM json_to_recordset(:rows)``, ``col = ANY(:values)`` — keeps the text constant,
so psycopg caches its parse and prepares the statement on the server after a few runs.

SQLite has no arrays and runs in-process (no parse-per-round-trip to save), so there the same
calls fall back to SQLAlchemy's ordinary multi-row INSERT and ``IN``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import ColumnElement, String, Table, any_, insert, literal, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.types import ARRAY, TypeDecorator, TypeEngine

_PG = postgresql.dialect()


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def one_of(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` as one array parameter on PostgreSQL (constant SQL text)."""
    values = list(values)
    if _is_postgres(session):
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} in a bulk insert")


@lru_cache(maxsize=128)
def _recordset_insert(
    table: Table, columns: tuple[str, ...], returning: str | None
) -> tuple[Any, dict[str, Callable[[Any], Any]]]:
    """``INSERT INTO t (c…) SELECT c… FROM ROWS FROM (json_to_recordset(:rows) AS (c type, …))
    WITH ORDINALITY … ORDER BY ord [RETURNING id]``: the rows travel as one JSON text (encoded
    in C by ``json``, parsed in C by the server). Strings are declared ``text`` so that the
    INSERT's assignment cast to ``varchar(n)`` refuses an over-long value (an explicit cast
    would silently cut it). The ORDER BY makes the sequence hand out ids in parameter order
    (the technique SQLAlchemy's own "insertmanyvalues" relies on for PostgreSQL)."""
    declared = []
    converters: dict[str, Callable[[Any], Any]] = {}
    for name in columns:
        sql_type: TypeEngine[Any] = table.c[name].type
        if isinstance(sql_type, TypeDecorator):  # e.g. UtcDateTime: its checks still apply
            converters[name] = partial(sql_type.process_bind_param, dialect=_PG)
            sql_type = sql_type.impl_instance
        spelled = "text" if isinstance(sql_type, String) else sql_type.compile(dialect=_PG)
        declared.append(f'"{name}" {spelled}')
    names = ", ".join(f'"{c}"' for c in columns)
    # Identifiers come from the Table's metadata (table.c[name] above refuses anything else),
    # never from request data; values travel as one bound parameter.
    source = (
        f"ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({', '.join(declared)})) "
        f"WITH ORDINALITY AS u({names}, ord) ORDER BY ord"
    )
    sql = f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {source}'  # noqa: S608
    if returning:
        sql += f' RETURNING "{returning}"'
    return text(sql), converters


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, returning: str | None = None
) -> list[Any]:
    """Insert ``rows`` (every row with the same keys) in one statement; with ``returning``,
    return that column (the generated ids) in the order of ``rows``."""
    if not rows:
        return []
    if not _is_postgres(session):
        if returning is None:
            session.execute(insert(table), list(rows))
            return []
        statement = insert(table).returning(table.c[returning], sort_by_parameter_order=True)
        return list(session.scalars(statement, list(rows)))
    statement, converters = _recordset_insert(table, tuple(rows[0]), returning)
    if converters:
        rows = [{**row, **{c: f(row[c]) for c, f in converters.items()}} for row in rows]
    payload = json.dumps(rows, default=_json_value, ensure_ascii=False, separators=(",", ":"))
    result = session.execute(statement, {"rows": payload})
    if returning is None:
        return []
    # ids come from one sequence in ORDER BY order: ascending ids are the rows in order.
    return sorted(result.scalars())
