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

from PIL import Image, ImageOps, UnidentifiedImageError

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


# A phone photo is often 4000 × 3000 and 3–5 MB with the farm's GPS position in its EXIF.
# Buyers on weak 4G need a fraction of that, and the seller's location is personal data.
WEB_LONG_SIDE = 1600
JPEG_QUALITY = 85


def prepare_for_web(image: CheckedImage) -> CheckedImage:
    """Re-encode a checked image for buyers: turned upright (EXIF orientation), at most
    ``WEB_LONG_SIDE`` pixels on the long side, and with every metadata block (EXIF, GPS, XMP,
    comments) dropped — the new file carries pixels only. The format is kept."""
    kind = next(k for k, (ctype, _ext) in IMAGE_TYPES.items() if ctype == image.content_type)
    with Image.open(io.BytesIO(image.data)) as source:
        upright = ImageOps.exif_transpose(source)
        upright.thumbnail((WEB_LONG_SIDE, WEB_LONG_SIDE), Image.Resampling.LANCZOS)
        if kind == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        if kind == "JPEG":
            upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        elif kind == "PNG":
            upright.save(out, "PNG", optimize=True)
        else:
            upright.save(out, "WEBP", quality=JPEG_QUALITY)
        width, height = upright.size
    return CheckedImage(out.getvalue(), image.content_type, image.extension, width, height)
