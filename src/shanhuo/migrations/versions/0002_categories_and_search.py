"""Specialty-produce categories (reference data) and Chinese full-text search on products.

SQLite: an FTS5 table with the trigram tokenizer (matches any 3+ character substring, so it
works on Chinese text without a word segmenter), kept in step with ``product`` by triggers.
PostgreSQL: the pg_trgm extension and a GIN trigram index used by ILIKE.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = [
    ("fruit", "水果", "Fruit", 10),
    ("vegetable", "蔬菜", "Vegetables", 20),
    ("grain_oil", "粮油米面", "Grain, rice & oil", 30),
    ("tea", "茶叶", "Tea", 40),
    ("mushroom", "菌菇山珍", "Mushrooms & wild produce", 50),
    ("meat_egg", "肉禽蛋", "Meat, poultry & eggs", 60),
    ("aquatic", "水产", "Aquatic products", 70),
    ("nut_dried", "坚果干货", "Nuts & dried goods", 80),
    ("honey", "蜂蜜蜂产品", "Honey & bee products", 90),
    ("seasoning", "调味火锅底料", "Seasonings & hot-pot base", 100),
    ("flower_plant", "花卉绿植", "Flowers, succulents & plants", 110),
    ("herb", "中药材", "Medicinal herbs", 120),
    ("craft", "手工艺品", "Handicrafts", 130),
    ("other", "其他", "Other", 999),
]

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE product_search USING fts5(
        title, description, content='product', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER product_search_ai AFTER INSERT ON product BEGIN
        INSERT INTO product_search(rowid, title, description) VALUES (new.id, new.title, new.description);
    END""",
    """CREATE TRIGGER product_search_ad AFTER DELETE ON product BEGIN
        INSERT INTO product_search(product_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END""",
    """CREATE TRIGGER product_search_au AFTER UPDATE OF title, description ON product BEGIN
        INSERT INTO product_search(product_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO product_search(rowid, title, description) VALUES (new.id, new.title, new.description);
    END""",
]


def upgrade() -> None:
    category = sa.table(
        "category",
        sa.column("code", sa.String),
        sa.column("name_zh", sa.String),
        sa.column("name_en", sa.String),
        sa.column("sort", sa.Integer),
    )
    op.bulk_insert(
        category,
        [dict(zip(("code", "name_zh", "name_en", "sort"), c, strict=True)) for c in CATEGORIES],
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_product_search_trgm ON product "
            "USING gin ((title || ' ' || description) gin_trgm_ops)"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("product_search_au", "product_search_ad", "product_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS product_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_search_trgm")
    op.execute("DELETE FROM category")
