"""Many rows in one statement whose SQL text does not depend on how many rows there are.

Why: SQLAlchemy's multi-row INSERT and ``IN (…)`` render one bound parameter per value, so a
batch of 64 orders produces SQL text that differs with every batch size. On PostgreSQL that
text is parsed again by psycopg (a regular-expression pass over a long string, ~1 ms per
statement) and planned again by the server, every batch; the flash-deal intake
(``live.intake``) spent most of a batch doing that. Passing the rows as one JSON parameter
(``INSERT … SELECT FROM json_to_recordset(:rows)``) and a list as one JSON array
(``in_param``) keeps the text constant, so psycopg caches its parse and prepares the
statement on the server after a few runs; the statements themselves are built once.

SQLite runs in-process (no parse-per-round-trip to save): there rows go in one
``executemany`` of plain tuples (ids assigned under the write lock, see ``insert_rows``) and
a list is read with ``json_each``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    Text,
    any_,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
)
from sqlalchemy import column as sql_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import ARRAY, TypeDecorator, TypeEngine

from shanhuo.kit.db import is_postgres, rowcount

_PG = postgresql.dialect()


def in_param(column: Any, name: str, *, postgres: bool) -> ColumnElement[bool]:
    """``column IN :name`` for a statement built once and run many times (a hot path: building
    and cache-keying a statement for every run costs more than running it). Bind the values
    with ``param_values``."""
    param = bindparam(name, type_=Text())
    if postgres:
        return column == any_(_json_array(column.type, name, param))
    # SQLite (3.38+ has JSON built in): the planner looks each value up in the column's index
    # (EXPLAIN QUERY PLAN: SEARCH … USING INDEX); an expanding IN would render one placeholder
    # per value, new SQL text for every batch size.
    each = text(f"SELECT value FROM json_each(:{name})")  # noqa: S608 (a name from our code)
    return column.in_(each.bindparams(param).columns(sql_column("value")))


def param_values(values: Iterable[Any]) -> str:
    """The value for an ``in_param`` or ``pairs_param`` parameter: one JSON array."""
    return orjson.dumps(list(values)).decode()


def values_param(column: Any, name: str, *, postgres: bool) -> Any:
    """A FROM item of the values bound as one JSON array (``param_values``), column
    ``value``, to join on ``column``: one index lookup per value, also where ``column`` is the
    second column of the index. (``= ANY`` of a bound array there made PostgreSQL read every
    row matching the first column and compare each with every value: a deal's per-buyer
    counters for a 128-order batch, 3,968 rows x 128 values, 11 ms.) Constant SQL text."""
    return _json_rows(name, ("value", column), postgres=postgres)


def pairs_param(first: Any, second: Any, name: str, *, postgres: bool) -> Any:
    """A FROM item of exact (first, second) pairs, columns ``first`` and ``second``, bound as
    one JSON array of two-element arrays (``param_values([(a, b), …])``). Joined to a unique
    index on the two columns it is one index lookup per pair; two ``in_param`` conditions
    would ask for every first × every second (a 256-order batch: 65,536 lookups on SQLite,
    5 ms) or read every row of each first value. Constant SQL text, like ``in_param``."""
    return _json_rows(name, ("first", first), ("second", second), postgres=postgres)


def _json_rows(name: str, *columns: tuple[str, Any], postgres: bool) -> Any:
    """``SELECT … FROM json_array_elements / json_each(:name)`` typed like ``columns``: each
    element is a value (one column) or an array of values (several). Strings are read as
    ``text`` (never cut to the column's length). Labels and types come from our code."""
    single = len(columns) == 1
    selected = []
    for position, (label, column) in enumerate(columns):
        if postgres:
            path = "value" if single else f"value->>{position}"
            selected.append(f"CAST({path} AS {_pg_spelling(column.type)}) AS {label}")
        else:
            path = "value" if single else f"json_extract(value, '$[{position}]')"
            selected.append(f"{path} AS {label}")
    source = (
        f"json_array_elements{'_text' if single else ''}(CAST(:{name} AS json))"
        if postgres
        else f"json_each(:{name})"
    )
    return (
        text(f"SELECT {', '.join(selected)} FROM {source}")  # noqa: S608 (see docstring)
        .bindparams(bindparam(name, type_=Text()))
        .columns(*(sql_column(label, column.type) for label, column in columns))
        .subquery(name)
    )


def _pg_spelling(sql_type: TypeEngine[Any]) -> str:
    """A type as a PostgreSQL cast target, strings as ``text``: a cast to ``varchar(n)``
    would silently cut a longer value (and could then match or store a different one)."""
    return "text" if isinstance(sql_type, String) else sql_type.compile(dialect=_PG)


def _json_array(sql_type: TypeEngine[Any], name: str, param: BindParameter[Any]) -> Any:
    """``CAST((SELECT array_agg(value) FROM json_array_elements_text(:v)) AS type[])``: a
    scalar subquery, evaluated once per statement, so ``= ANY(…)`` still uses the column's
    index. Strings compare as ``text`` (a cast to ``varchar(n)`` would cut a longer value and
    could match a different row). An empty list gives NULL, which matches nothing. Written as
    text around the bound parameter: building it from SQLAlchemy's function and subquery
    objects cost more than the query it adds. (``name`` is a parameter name from our code.)"""
    unpacked = (
        text(f"SELECT array_agg(value) FROM json_array_elements_text(CAST(:{name} AS json))")  # noqa: S608
        .bindparams(param)
        .columns(sql_column("values", ARRAY(Text())))
        .scalar_subquery()
    )
    element_type: TypeEngine[Any] = Text() if isinstance(sql_type, String) else sql_type
    return cast(unpacked, ARRAY(element_type))


@lru_cache(maxsize=128)
def _recordset(table: Table, columns: tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    """``SELECT c… FROM ROWS FROM (json_to_recordset(:rows) AS (c type, …)) WITH ORDINALITY
    … ORDER BY ord``: the rows travel as one JSON text (encoded in C by ``orjson``, parsed in C
    by the server). Strings are declared ``text`` so that the INSERT's assignment cast to
    ``varchar(n)`` refuses an over-long value (an explicit cast would silently cut it). The
    ORDER BY makes the sequence hand out ids in row order (the technique SQLAlchemy's own
    "insertmanyvalues" relies on for PostgreSQL). Returns the select and, per column with a
    TypeDecorator (e.g. UtcDateTime), the function that checks and converts its values."""
    declared = []
    converters: dict[str, Any] = {}
    for name in columns:
        sql_type: TypeEngine[Any] = table.c[name].type
        if isinstance(sql_type, TypeDecorator):
            converters[name] = partial(sql_type.process_bind_param, dialect=_PG)
            sql_type = sql_type.impl_instance
        declared.append(f'"{name}" {_pg_spelling(sql_type)}')
    names = ", ".join(f'"{c}"' for c in columns)
    # Identifiers come from the Table's metadata (table.c[name] above refuses anything else),
    # never from request data; values travel as one bound parameter.
    source = (
        f"ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({', '.join(declared)})) "
        f"WITH ORDINALITY AS u({names}, ord) ORDER BY ord"
    )
    rows_select = text(f"SELECT {names} FROM {source}").columns(  # noqa: S608
        *(table.c[name] for name in columns)
    )
    return rows_select, converters


def _converted_once() -> Callable[[Any, Callable[[Any], Any], Any], Any]:
    """``convert_once(column, convert, value)`` for one batch: a batch repeats the same few
    values (its "now", its expiry), so each distinct value of a column is converted once.
    Unhashable values (JSON lists and dicts) are converted every time."""
    seen: dict[tuple[Any, Any], Any] = {}

    def convert_once(column: Any, convert: Callable[[Any], Any], value: Any) -> Any:
        if isinstance(value, dict | list):
            return convert(value)
        key = (column, value)
        if key not in seen:
            seen[key] = convert(value)
        return seen[key]

    return convert_once


def _payload(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], str]:
    """The rows' column names and the rows as one JSON text (values converted as the column
    types would)."""
    columns = tuple(rows[0])
    _rows_select, converters = _recordset(table, columns)
    if converters:
        # Each row copied once (in C) rather than rebuilt; see ``_converted_once``.
        convert_once = _converted_once()
        copied = []
        for row in rows:
            row = dict(row)
            for column, convert in converters.items():
                row[column] = convert_once(column, convert, row[column])
            copied.append(row)
        rows = copied
    # orjson: the rows are most of a batch's Python time; it writes datetimes as ISO 8601
    # with their offset itself, and refuses anything it does not know.
    return columns, orjson.dumps(rows).decode()


@lru_cache(maxsize=128)
def _insert_from_json(table: Table, columns: tuple[str, ...], returning: str | None) -> Any:
    """The INSERT … SELECT for ``_recordset``, built once per table and column set: building
    and cache-keying a new statement object for every batch cost more than running it."""
    statement = insert(table).from_select(columns, _recordset(table, columns)[0])
    return statement if returning is None else statement.returning(table.c[returning])


@lru_cache(maxsize=128)
def _sqlite_insert(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...]]:
    """``INSERT INTO t (c…) VALUES (?, …)`` and, per column whose type converts values on the
    way in (e.g. UtcDateTime → SQLite's datetime text), its position and converter. A column
    left out that has a Python-side default is refused (SQLAlchemy would have filled it; here
    the caller names it), so no row silently gets NULL or the database default instead."""
    left_out = [
        c.name
        for c in table.columns
        if c.name not in columns and c.default is not None and not c.primary_key
    ]
    if left_out:
        raise ValueError(f"insert_rows into {table.name}: give {', '.join(left_out)} explicitly")
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    converters = []
    for position, name in enumerate(columns):
        # The type as this dialect runs it (dialect_impl): for UtcDateTime that is SQLite's
        # DATETIME, which writes the same text as every ORM insert; the bare TypeDecorator's
        # processor passed datetime objects on to sqlite3's own adapter (a Python call per
        # value per row, and "…00:00:00" instead of "…00:00:00.000000" at a whole second).
        sql_type = table.c[name].type  # table.c refuses unknown names
        convert = sql_type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters.append((position, convert))
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608 (metadata names)
    return sql, tuple(converters)


def _sqlite_executemany(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany of plain tuples: SQLAlchemy's own executemany builds a parameter dict
    and runs each converter for every row, most of a SQLite batch's Python. The converters are
    the ones SQLAlchemy would run (the column types' bind processors), once per distinct value."""
    columns = tuple(rows[0])
    connection = session.connection()
    sql, converters = _sqlite_insert(table, columns, connection.dialect)
    convert_once = _converted_once()
    params = []
    for row in rows:
        values = [row[c] for c in columns]
        for position, convert in converters:
            values[position] = convert_once(position, convert, values[position])
        params.append(tuple(values))
    connection.exec_driver_sql(sql, params)


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, returning: str | None = None
) -> list[Any]:
    """Insert ``rows`` (every row with the same keys) in one statement; with ``returning``,
    return that column (the generated ids) in the order of ``rows``."""
    if not rows:
        return []
    if not is_postgres(session):
        if returning is None:
            _sqlite_executemany(session, table, rows)
            return []
        # SQLite gives RETURNING rows in no promised order, so SQLAlchemy would send one
        # INSERT per row. Every SQLite write here runs under BEGIN IMMEDIATE (kit.db), so no
        # one else can insert until we commit: the next ids are max + 1 … max + n, exactly
        # what SQLite would pick, and the rows go in one executemany. (Called outside a write
        # transaction, a concurrent insert makes this fail on the primary key, never mix rows.)
        key = table.c[returning]
        if not key.primary_key:
            raise ValueError(f"{table.name}.{returning} is not the primary key")
        start = int(session.scalar(select(func.max(key))) or 0)
        ids = list(range(start + 1, start + 1 + len(rows)))
        _sqlite_executemany(
            session, table, [{**row, returning: id_} for row, id_ in zip(rows, ids, strict=True)]
        )
        return ids
    columns, payload = _payload(table, rows)
    # A Core statement on the session's connection (same transaction): the ORM layer has
    # nothing to add to a plain INSERT and costs a visible share of a batch.
    result = session.connection().execute(
        _insert_from_json(table, columns, returning), {"rows": payload}
    )
    if returning is None:
        return []
    # ids come from one sequence in ORDER BY order: ascending ids are the rows in order.
    return sorted(result.scalars().all())


def upsert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    on_conflict: Callable[[Any], tuple[dict[str, Any], Any]],
) -> int:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET … WHERE …`` for ``rows`` in one statement
    (PostgreSQL and SQLite). ``on_conflict(statement)`` returns the SET mapping and the WHERE
    clause, built from ``statement.excluded``. Returns how many rows were inserted or updated
    (rows the WHERE refused are not counted), or -1 where the driver cannot tell."""
    if not rows:
        return 0
    if is_postgres(session):
        columns, payload = _payload(table, rows)
        statement = _upsert_from_json(table, columns, tuple(key), on_conflict)
        return rowcount(session.connection().execute(statement, {"rows": payload}))
    lite = sqlite.insert(table)
    set_, where = on_conflict(lite)
    upsert = lite.on_conflict_do_update(index_elements=list(key), set_=set_, where=where)
    return rowcount(session.execute(upsert, list(rows)))


@lru_cache(maxsize=64)
def _upsert_from_json(
    table: Table,
    columns: tuple[str, ...],
    key: tuple[str, ...],
    on_conflict: Callable[[Any], tuple[dict[str, Any], Any]],
) -> Any:
    """Built once per table, column set and ``on_conflict`` (pass a module-level function,
    not a new lambda per call, or nothing is reused)."""
    pg = postgresql.insert(table).from_select(columns, _recordset(table, columns)[0])
    set_, where = on_conflict(pg)
    return pg.on_conflict_do_update(index_elements=list(key), set_=set_, where=where)
