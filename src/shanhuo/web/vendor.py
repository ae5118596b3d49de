"""Front-end assets installed from the npm registry at set-up (``npm ci``) and served by us.

Nothing is loaded from a CDN: a farmer on weak 4G, or a county office behind a firewall, gets
every byte from this server.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

REPO_ROOT = Path(__file__).resolve().parents[3]


def node_modules() -> Path:
    return Path(os.environ.get("SHANHUO_NODE_MODULES", REPO_ROOT / "node_modules"))


def mount_api_docs(app: FastAPI) -> None:
    """OpenAPI docs at /docs with Swagger UI from the swagger-ui-dist npm package."""
    swagger = node_modules() / "swagger-ui-dist"
    if not swagger.is_dir():
        raise RuntimeError(f"{swagger} is missing: run `make install` (npm ci)")
    app.mount("/vendor/swagger-ui", StaticFiles(directory=str(swagger)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="山货 Shanhuo API",
            swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


def mount_player(app: FastAPI) -> None:
    """Live rooms: hls.js (npm) at /vendor/hls.js, and the HLS files we make ourselves (the
    demo's ffmpeg test stream, ``shanhuo live demo-stream``) at /media/live from the data dir."""
    hls = node_modules() / "hls.js" / "dist"
    if not hls.is_dir():
        raise RuntimeError(f"{hls} is missing: run `make install` (npm ci)")
    app.mount("/vendor/hls.js", StaticFiles(directory=str(hls)), name="hls.js")
    media = Path(app.state.settings.data_dir) / "media" / "live"
    app.mount("/media/live", StaticFiles(directory=str(media), check_dir=False), name="media-live")
