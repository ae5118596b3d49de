"""HTML pages for finance: each handler builds a context dict and renders a template."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
