"""Take phone-sized (360 px) screenshots of pages of a running server, to look at them.

usage: .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 out_dir /path [/path ...]
A path may carry a cookie to act as a signed-in user: set SHANHUO_SESSION=<token>.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    base, out, *paths = sys.argv[1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        token = os.environ.get("SHANHUO_SESSION")
        if token:
            context.add_cookies([{"name": "shanhuo_session", "value": token, "url": base}])
        page = context.new_page()
        outside: list[str] = []
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(base) and not r.url.startswith("data:")
                else None
            ),
        )
        for path in paths:
            page.goto(base + path)
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            page.screenshot(path=f"{out}/{name}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            print(f"{path}: scrollWidth={width}")
        print("outside requests:", outside or "none")
        browser.close()


if __name__ == "__main__":
    main()
