"""Request dependencies of the catalog routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shanhuo.catalog.storage import Storage, storage_from_settings
from shanhuo.kit.deps import AppSettings


def get_storage(settings: AppSettings) -> Storage:
    return storage_from_settings(settings)


PhotoStorage = Annotated[Storage, Depends(get_storage)]
