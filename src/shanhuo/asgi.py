"""ASGI entry point for uvicorn workers: ``uvicorn shanhuo.asgi:app``."""

from shanhuo.app import create_app

app = create_app()
