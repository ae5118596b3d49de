"""Two engines, one set of definitions: DuckDB in-process (default) and Apache Spark (local
mode here, a cluster at national scale). Both run the SAME text from ``sql/*.sql``:

- parameters are written into the SQL as typed literals by ``render_sql`` (integers, floats,
  and UTC timestamps only — never text from a request), so no engine-specific placeholder
  syntax is needed;
- the one function the dialects disagree on is supplied to DuckDB as a macro:
  ``unix_seconds(ts)`` (Spark has it built in; in DuckDB it is ``epoch_us(ts) // 1e6``);
- both sessions run in UTC, and timestamps in the files are UTC;
- results are cast to each indicator's declared Arrow schema and sorted by its key, so the
  two engines' tables can be compared cell for cell;
- the shared intermediate tables (``sql/shared/*.sql``, plain SELECTs too) are kept by each
  engine its own way under the file's name: a DuckDB temporary table, a cached Spark view
  (``materialise``) — so each big table is scanned once per report, not once per indicator.

DuckDB's sqlite/postgres scanner extensions are downloaded at run time and are not used: the
platform's database is read through SQLAlchemy → Arrow → Parquet (``dbexport``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from shanhuo.kit.errors import Invalid
from shanhuo.report.dataset import REQUIRED, UNPARTITIONED, Dataset, corrupt_error

_PARAM = re.compile(r"\$\{(\w+)\}")


def sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None or value.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
            raise ValueError("timestamps passed to SQL must be UTC")
        return f"TIMESTAMP '{value.strftime('%Y-%m-%d %H:%M:%S')}'"
    raise TypeError(f"unsupported SQL parameter type: {type(value).__name__}")


def render_sql(sql: str, params: dict[str, Any]) -> str:
    """Replace ``${name}`` with a typed literal; an unknown name is a programming error."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"SQL parameter ${{{name}}} has no value")
        return sql_literal(params[name])

    return _PARAM.sub(sub, sql)


class Engine(Protocol):
    name: str

    def query(self, sql: str) -> pa.Table: ...

    def materialise(self, name: str, sql: str) -> None:
        """Keep the result of ``sql`` (a SELECT) as the table ``name`` for later queries."""
        ...

    def close(self) -> None: ...


class DuckDBEngine:
    name = "duckdb"

    def __init__(
        self, dataset: Dataset, dimensions: dict[str, pa.Table], *, threads: int | None = None
    ) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("CREATE MACRO unix_seconds(ts) AS epoch_us(ts) // 1000000")
        for table in REQUIRED:
            pattern = dataset.table_glob(table).replace("'", "''")
            if table in UNPARTITIONED:
                source = f"read_parquet('{pattern}')"
            else:
                source = (
                    f"read_parquet('{pattern}', hive_partitioning = true, "
                    "hive_types = {'year': INTEGER})"
                )
            # Table names are our constants; the path is quoted above.
            self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM {source}")  # noqa: S608
        for name, table in dimensions.items():
            self.con.register(name, table)

    def query(self, sql: str) -> pa.Table:
        with _file_errors_named():
            return self.con.sql(sql).to_arrow_table()

    def materialise(self, name: str, sql: str) -> None:
        # The name is a file name of ours (``definitions.SHARED``), never a request's text.
        with _file_errors_named():
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def close(self) -> None:
        self.con.close()


@contextmanager
def _file_errors_named() -> Iterator[None]:
    """A Parquet file DuckDB cannot read becomes ``report_data_corrupt`` naming the file."""
    try:
        yield
    except (duckdb.IOException, duckdb.InvalidInputException) as exc:
        raise corrupt_error(_path_in(str(exc)), str(exc).splitlines()[0]) from None


def _path_in(message: str) -> Any:
    from pathlib import Path

    match = re.search(r'"([^"]+\.parquet)"', message) or re.search(r"(\S+\.parquet)", message)
    return Path(match.group(1)) if match else Path("?")


_SPARK: Any = None


def spark_session() -> Any:
    """One local Spark session per process (starting one takes seconds)."""
    global _SPARK
    if _SPARK is None:
        from pyspark.sql import SparkSession

        # py4j logs at INFO while the interpreter shuts down, after test runners closed streams.
        logging.getLogger("py4j").setLevel(logging.WARNING)

        _SPARK = (
            SparkSession.builder.master("local[2]")
            .appName("shanhuo-report")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.parquet.enableVectorizedReader", "true")
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class SparkEngine:
    name = "spark"

    def __init__(self, dataset: Dataset, dimensions: dict[str, pa.Table]) -> None:
        self.spark = spark_session()
        self.cached: list[tuple[str, Any]] = []
        for table, columns in REQUIRED.items():
            # An explicit schema spares Spark a schema-inference job per table.
            ddl = ", ".join(f"{name} {_SPARK_DDL[kind]}" for name, kind in columns.items())
            if table not in UNPARTITIONED:
                ddl += ", year INT"
            frame = self.spark.read.schema(ddl).parquet(str(dataset.root / table))
            frame.createOrReplaceTempView(table)
        for name, table in dimensions.items():
            rows = [tuple(r.values()) for r in table.to_pylist()]
            ddl = ", ".join(f"{f.name} {_spark_type(f.type)}" for f in table.schema)
            self.spark.createDataFrame(rows, ddl).createOrReplaceTempView(name)

    def query(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def materialise(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.createOrReplaceTempView(name)
        self.cached.append((name, frame))

    def close(self) -> None:  # the session is shared by the process; its cached views are not
        for name, frame in self.cached:
            self.spark.catalog.dropTempView(name)
            frame.unpersist()
        self.cached.clear()


_SPARK_DDL = {
    "string": "STRING",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "timestamp[us, tz=UTC]": "TIMESTAMP",
}


def _spark_type(t: pa.DataType) -> str:
    if pa.types.is_string(t):
        return "STRING"
    if pa.types.is_int32(t):
        return "INT"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    raise TypeError(t)


ENGINES = ("duckdb", "spark")


def make_engine(name: str, dataset: Dataset, dimensions: dict[str, pa.Table]) -> Engine:
    if name == "duckdb":
        return DuckDBEngine(dataset, dimensions)
    if name == "spark":
        return SparkEngine(dataset, dimensions)
    raise Invalid(
        "report_engine_unknown",
        f"未知计算引擎 {name!r}：可选 duckdb 或 spark",
        f"Unknown engine {name!r}: use duckdb or spark",
    )


def stop_spark() -> None:
    """Stop the process's Spark session (tests, and commands that are done with it)."""
    global _SPARK
    if _SPARK is not None:
        _SPARK.stop()
        _SPARK = None
