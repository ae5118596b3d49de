"""Checking an uploaded photo: bounded read, real image type, bounded dimensions.

What a client claims (file name, Content-Type) is ignored: Pillow decodes the bytes and only
JPEG, PNG and WebP pass. The size limit is enforced while reading, so an oversized upload is
refused after ``max_bytes + 1`` bytes rather than after all of it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from shanhuo.catalog.rules import IMAGE_TYPES, MAX_IMAGE_PIXELS
from shanhuo.kit.errors import Invalid, PayloadTooLarge, UnsupportedMedia

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        "upload_too_large",
        f"图片不能超过 {max_bytes // 1024} KB",
        f"The photo must be at most {max_bytes // 1024} KB",
        max_bytes=max_bytes,
    )


def not_an_image() -> UnsupportedMedia:
    return UnsupportedMedia(
        "upload_not_image",
        "只支持 JPEG、PNG、WebP 图片",
        "Only JPEG, PNG and WebP images are accepted",
    )


def read_bounded(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most ``max_bytes``; one byte more means the upload is too large."""
    buffer = bytearray()
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        buffer.extend(chunk)
        if len(buffer) > max_bytes:
            raise too_large(max_bytes)
    return bytes(buffer)


def check_image(data: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS) -> CheckedImage:
    """Decode ``data`` fully; refuse anything that is not a sane JPEG, PNG or WebP.

    The dimensions are read from the header and checked *before* pixels are decoded, so a
    small file claiming a huge canvas (a decompression bomb) never gets decoded."""
    if not data:
        raise not_an_image()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(IMAGE_TYPES)) as image:
                kind = image.format or ""
                width, height = image.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise Invalid(
                        "image_too_many_pixels",
                        f"图片尺寸过大（最多 {max_pixels // 1_000_000} 百万像素）",
                        f"The image is too large (at most {max_pixels // 1_000_000} megapixels)",
                        width=width,
                        height=height,
                    )
                image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise not_an_image() from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Invalid(
                "image_too_many_pixels",
                "图片尺寸过大",
                "The image is too large",
            ) from exc
    if kind not in IMAGE_TYPES:
        raise not_an_image()
    content_type, extension = IMAGE_TYPES[kind]
    return CheckedImage(data, content_type, extension, width, height)
