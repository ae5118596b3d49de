"""create_app(settings): mounts each domain's routes; engines are built in the lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from shanhuo import __version__
from shanhuo.accounts.sms import make_sms_sender
from shanhuo.config import Settings, get_settings
from shanhuo.finance.jobs import COLLECT_INTERVAL_SECONDS, collect_and_accrue_once
from shanhuo.kit.db import make_engine, make_session_factory
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.jobs import run_every
from shanhuo.kit.masking import MaskMobileFilter
from shanhuo.orders.sweeper import run_sweeper
from shanhuo.web.render import STATIC_DIR, render, wants_html
from shanhuo.web.vendor import mount_api_docs, mount_player

log = logging.getLogger("shanhuo")

PROBLEM_JSON = "application/problem+json"

_VALIDATION_ZH = {
    "missing": "缺少必填项",
    "json_invalid": "JSON 格式错误",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是/否",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "value_error": "取值无效",
    "extra_forbidden": "不允许的字段",
}


def _problem(request: Request, status: int, body: dict[str, Any]) -> Response:
    if wants_html(request):
        return render(request, "error.html", {"problem": body}, status_code=status)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _return_path(request: Request) -> str:
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc in ("", request.url.netloc)
    if same_site and referer.path.startswith("/") and not referer.path.startswith("//"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ShanhuoError)
    async def _domain_error(request: Request, exc: ShanhuoError) -> Response:
        if exc.status == 401 and wants_html(request):
            # A page that needs a signed-in person sends them to sign in, then back. A form
            # post cannot be replayed by a redirect, so they come back to the page the form
            # was on (e.g. the product page after "add to cart") and press it again.
            target = _return_path(request)
            return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
        return _problem(request, exc.status, exc.to_problem(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "type": err.get("type", ""),
                "message_en": err.get("msg", ""),
                "message_zh": _VALIDATION_ZH.get(err.get("type", ""), "取值无效"),
            }
            for err in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            error = ShanhuoError(
                "malformed_json",
                "请求体不是有效的 JSON",
                "The request body is not valid JSON",
                status=400,
            )
        else:
            fields = "、".join(e["field"] for e in errors if e["field"]) or "请求"
            error = ShanhuoError(
                "validation_failed",
                f"输入有误：{fields}",
                f"Invalid input: {', '.join(e['field'] for e in errors if e['field']) or 'request'}",
                status=422,
            )
        body = error.to_problem(request.url.path)
        body["errors"] = errors
        return _problem(request, error.status, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        known = {
            404: ("not_found", "页面或资源不存在", "Not found"),
            405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
        }
        code, zh, en = known.get(exc.status_code, ("http_error", "请求有误", str(exc.detail)))
        return _problem(
            request,
            exc.status_code,
            ShanhuoError(code, zh, en, status=exc.status_code).to_problem(request.url.path),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        error = ShanhuoError(
            "internal_error", "服务器内部错误，请稍后再试", "Internal server error", status=500
        )
        return _problem(request, 500, error.to_problem(request.url.path))


def _configure_logging() -> None:
    root = logging.getLogger()
    if not any(isinstance(f, MaskMobileFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(MaskMobileFilter())
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    # uvicorn's loggers do not propagate to the root: an access-log line with a number in
    # its URL (a search for a mobile, say) must be masked too.
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskMobileFilter) for f in logger.filters):
            logger.addFilter(MaskMobileFilter())


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the application. ``engine`` lets tests hand in a connection-bound engine."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or make_engine(settings.sqlalchemy_url)
        if "session_factory" not in app.state._state:
            app.state.session_factory = make_session_factory(app.state.engine)
        # Periodic jobs (off in tests, which call them directly): payment timeouts, and
        # loan repayment from settled sales with daily penalty accrual.
        stop_jobs = asyncio.Event()
        jobs = []
        if settings.run_background_jobs:
            factory = app.state.session_factory
            jobs = [
                asyncio.create_task(run_sweeper(factory, stop_jobs)),
                asyncio.create_task(
                    run_every(
                        "credit collection",
                        COLLECT_INTERVAL_SECONDS,
                        lambda: collect_and_accrue_once(factory),
                        stop_jobs,
                    )
                ),
            ]
        yield
        stop_jobs.set()
        for job in jobs:
            await job
        if owned:
            app.state.engine.dispose()

    app = FastAPI(
        title="山货 Shanhuo API",
        version=__version__,
        description="Farm-to-city e-commerce for western China. Errors are RFC 9457 problem+json "
        "with a stable `code` and messages in zh-CN and English.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sms = make_sms_sender(settings)
    _configure_logging()
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    mount_api_docs(app)
    mount_player(app)

    from shanhuo.routes import include_routes

    include_routes(app, settings)
    return app
