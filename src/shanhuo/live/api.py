"""JSON API routes for live (thin: parse, one service call, commit, respond)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["live"])
