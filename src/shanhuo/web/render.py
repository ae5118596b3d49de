"""Server-rendered pages: a handler builds a context dict, ``render`` turns it into HTML.

Chinese is the default language; ``?lang=en`` (remembered in a cookie) switches to English.
Templates call ``_("中文", "English")`` so both languages sit side by side in the template.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.kit.money import format_fen
from shanhuo.kit.timeutil import format_local

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
LANGS = ("zh", "en")


def request_lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGS else "zh"


@pass_context
def _translate(context: Context, zh: str, en: str) -> str:
    return en if context.get("lang") == "en" else zh


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = t.env
    env.globals["_"] = _translate
    env.filters["yuan"] = format_fen
    env.filters["local_time"] = format_local
    env.filters["mask_mobile"] = mask_mobile
    env.filters["mask_name"] = mask_name
    return t


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    lang = request_lang(request)
    full = {"lang": lang, "current_user": getattr(request.state, "user", None), **context}
    response = templates().TemplateResponse(request, template, full, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def redirect(url: str, status_code: int = 303) -> RedirectResponse:
    return RedirectResponse(url, status_code=status_code)


def wants_html(request: Request) -> bool:
    """Page routes and browsers get HTML errors; API clients get problem+json."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")
