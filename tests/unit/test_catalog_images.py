"""Photos are re-encoded for buyers: upright, bounded in size, and without EXIF/GPS."""

from __future__ import annotations

import io

from PIL import Image

from shanhuo.catalog.images import WEB_LONG_SIDE, check_image, prepare_for_web


def _jpeg_with_gps(width: int, height: int, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {
        1: "N",
        2: (34.0, 15.0, 0.0),
        3: "E",
        4: (108.0, 5.0, 0.0),
    }  # GPSInfo: a farm in Shaanxi
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_metadata_including_gps_is_dropped() -> None:
    original = _jpeg_with_gps(800, 600)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    cleaned = prepare_for_web(check_image(original))
    with Image.open(io.BytesIO(cleaned.data)) as result:
        assert dict(result.getexif()) == {}
        assert "exif" not in result.info
        assert result.size == (800, 600)
    assert cleaned.content_type == "image/jpeg"


def test_large_photos_are_scaled_to_the_web_size_keeping_the_aspect() -> None:
    cleaned = prepare_for_web(check_image(_jpeg_with_gps(4000, 3000)))
    assert (cleaned.width, cleaned.height) == (WEB_LONG_SIDE, 1200)
    assert Image.open(io.BytesIO(cleaned.data)).size == (WEB_LONG_SIDE, 1200)


def test_a_sideways_phone_photo_is_turned_upright() -> None:
    cleaned = prepare_for_web(check_image(_jpeg_with_gps(800, 600, orientation=6)))
    assert (cleaned.width, cleaned.height) == (600, 800)


def test_png_stays_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 128, 0, 128)).save(out, "PNG")
    cleaned = prepare_for_web(check_image(out.getvalue()))
    assert cleaned.content_type == "image/png"
    assert Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"
