"""Where product photos live: a ``Storage`` protocol with a local-disk implementation.

Keys are random (never derived from a file name a person sent), so no request can choose a
path. An object-storage adapter (S3/OSS/COS) only has to implement the same four methods.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from shanhuo.config import Settings

KEY_RE = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


def new_key(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def is_valid_key(key: str) -> bool:
    return KEY_RE.fullmatch(key) is not None


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def path(self, key: str) -> Path | None:
        """A local file to serve, or None when the object does not exist."""
        ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalDiskStorage:
    """Files under ``root``, fanned out by the first two characters of the key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, key: str) -> Path:
        if not is_valid_key(key):
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)

    def path(self, key: str) -> Path | None:
        if not is_valid_key(key):
            return None
        target = self._file(key)
        return target if target.is_file() else None

    def exists(self, key: str) -> bool:
        return self.path(key) is not None

    def delete(self, key: str) -> None:
        if is_valid_key(key):
            self._file(key).unlink(missing_ok=True)


def storage_from_settings(settings: Settings) -> Storage:
    """The configured storage (only ``local`` for now: files under ``settings.upload_dir``)."""
    return LocalDiskStorage(settings.upload_dir)
