"""Reading a multipart photo upload without trusting its size.

The request body is counted as it streams in and refused once it passes the limit (plus room
for multipart framing) — a declared Content-Length that is too large is refused before any
byte is read, and a chunked body without one is cut off at the limit. Pillow then decides what
the file really is (``images.check_image``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from shanhuo.catalog.images import too_large
from shanhuo.kit.errors import BadRequest, UnsupportedMedia

# Multipart framing and a few small text fields next to one photo stay far below this.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


async def _limited(request: Request, limit: int, max_bytes: int) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise too_large(max_bytes)
        yield chunk


async def read_multipart(
    request: Request, max_bytes: int, *, max_fields: int = 20, allow_plain: bool = False
) -> FormData:
    """Parse a multipart form holding at most one file of ``max_bytes``. With ``allow_plain``
    a small url-encoded form (no file at all) is accepted too."""
    content_type = request.headers.get("content-type", "")
    if allow_plain and content_type.startswith("application/x-www-form-urlencoded"):
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MULTIPART_OVERHEAD_BYTES * 4:
            raise too_large(max_bytes)
        return await request.form(max_files=0, max_fields=max_fields)
    if not content_type.startswith("multipart/form-data"):
        raise UnsupportedMedia(
            "multipart_required",
            "请以 multipart/form-data 上传图片",
            "Send the photo as multipart/form-data",
        )
    limit = max_bytes + MULTIPART_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(max_bytes)
    parser = MultiPartParser(
        request.headers, _limited(request, limit, max_bytes), max_files=1, max_fields=max_fields
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(
            "multipart_malformed", "上传的表单格式有误", f"Malformed multipart body: {exc.message}"
        ) from exc


def file_field(form: FormData, field: str = "photo") -> UploadFile | None:
    """The uploaded file in ``field``; None when the field is absent or an empty file input."""
    value = form.get(field)
    if isinstance(value, UploadFile) and (value.filename or value.size):
        return value
    return None


def require_file(form: FormData, field: str = "photo") -> UploadFile:
    upload = file_field(form, field)
    if upload is None:
        raise BadRequest(
            "photo_missing",
            f"请在表单字段 {field} 中上传图片",
            f"Send the image in the multipart field '{field}'",
        )
    return upload
