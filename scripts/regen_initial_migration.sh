#!/usr/bin/env bash
# Regenerate migrations/versions/0001_initial_schema.py from the models (before the first
# release only: once a schema has shipped, add a new revision instead).
set -euo pipefail
cd "$(dirname "$0")/.."
versions=src/shanhuo/migrations/versions
hold=$(mktemp -d)
trap 'mv "$hold"/*.py "$versions"/ 2>/dev/null || true; rm -rf "$hold"' EXIT
for f in "$versions"/0*.py; do [[ "$(basename "$f")" == 0001_* ]] && rm "$f" || mv "$f" "$hold"/; done
db=$(mktemp -u --suffix=.db)
.venv/bin/python - "$db" <<PY
import sys
from alembic import command
from shanhuo.kit.migrate import alembic_config
command.revision(alembic_config("sqlite:///" + sys.argv[1]), message="initial schema", autogenerate=True, rev_id="0001")
PY
rm -f "$db"
sed -i 's/^Create Date: .*$/Create Date: (regenerated from the models)/' "$versions"/0001_initial_schema.py
.venv/bin/ruff format -q "$versions"/0001_initial_schema.py
.venv/bin/ruff check -q --fix "$versions"/0001_initial_schema.py || true
