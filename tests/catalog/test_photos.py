"""Photo uploads: real image types only, size and pixel limits, storage, serving, delete."""

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.catalog.images import check_image, read_bounded
from shanhuo.catalog.storage import LocalDiskStorage, is_valid_key, new_key
from shanhuo.config import Settings
from shanhuo.kit.errors import Invalid, PayloadTooLarge, UnsupportedMedia
from shanhuo.models import ProductPhoto
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.catalog import create_product, image_bytes
from tests.helpers.stores import create_store


@pytest.fixture
def listing(db: Session) -> dict[str, Any]:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    product, _ = create_product(db, store)
    return {"product": product, "headers": auth_headers(db, owner)}


def _photo_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(ProductPhoto)) or 0


def _upload(client: TestClient, listing: dict[str, Any], name: str, data: bytes, ctype: str) -> Any:
    return client.post(
        f"/api/products/{listing['product'].id}/photos",
        files={"photo": (name, data, ctype)},
        headers=listing["headers"],
    )


@pytest.mark.parametrize(
    ("kind", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_upload_accepts_jpeg_png_webp_and_serves_it(
    client: TestClient, db: Session, listing: dict[str, Any], kind: str, content_type: str
) -> None:
    data = image_bytes(kind, (40, 30))
    response = _upload(client, listing, "whatever.bin", data, "application/octet-stream")
    assert response.status_code == 201
    body = response.json()
    assert (body["content_type"], body["width"], body["height"]) == (content_type, 40, 30)
    served = client.get(body["url"])
    assert served.status_code == 200
    # Re-encoded for the web (metadata dropped), same format and size as uploaded.
    with Image.open(io.BytesIO(served.content)) as stored:
        assert (stored.format, stored.size) == (kind, (40, 30))
    assert served.headers["content-length"] == str(body["size_bytes"])
    assert served.headers["content-type"] == content_type
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "ctype"),
    [
        ("evil.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("anim.gif", image_bytes("GIF"), "image/gif"),
        ("pic.jpg", image_bytes("BMP"), "image/jpeg"),
        ("empty.png", b"", "image/png"),
        ("cut.png", image_bytes("PNG", (64, 64))[:60], "image/png"),
    ],
)
def test_non_image_upload_is_415_and_stores_nothing(
    client: TestClient,
    db: Session,
    listing: dict[str, Any],
    settings: Settings,
    name: str,
    data: bytes,
    ctype: str,
) -> None:
    response = _upload(client, listing, name, data, ctype)
    assert response.status_code == 415
    assert response.json()["code"] == "upload_not_image"
    assert _photo_count(db) == 0
    assert not settings.upload_dir.exists() or not any(settings.upload_dir.rglob("*.*"))


def test_oversized_upload_is_413_and_stores_nothing(
    client: TestClient, db: Session, listing: dict[str, Any], settings: Settings
) -> None:
    data = image_bytes("PNG") + b"\0" * settings.upload_max_bytes
    response = _upload(client, listing, "big.png", data, "image/png")
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert _photo_count(db) == 0


def test_read_bounded_stops_after_limit() -> None:
    class Endless(io.RawIOBase):
        reads = 0

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            return b"x" * 65536

    stream = Endless()
    with pytest.raises(PayloadTooLarge):
        read_bounded(stream, 100_000)  # type: ignore[arg-type]
    assert stream.reads == 2


def test_decompression_bomb_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(buffer, format="PNG")  # 50 Mpx, tiny file
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(Invalid) as exc:
        check_image(buffer.getvalue())
    assert exc.value.code == "image_too_many_pixels"


def test_check_image_ignores_claims_and_reads_bytes() -> None:
    with pytest.raises(UnsupportedMedia):
        check_image(b"GIF89a" + b"\0" * 100)
    assert check_image(image_bytes("WEBP")).content_type == "image/webp"


def test_tenth_photo_is_refused(client: TestClient, db: Session, listing: dict[str, Any]) -> None:
    for _ in range(9):
        assert _upload(client, listing, "a.png", image_bytes(), "image/png").status_code == 201
    response = _upload(client, listing, "a.png", image_bytes(), "image/png")
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_photos"
    assert _photo_count(db) == 9


def test_upload_without_file_field_is_400(
    client: TestClient, db: Session, listing: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/products/{listing['product'].id}/photos",
        files={"other": ("a.png", image_bytes(), "image/png")},
        headers=listing["headers"],
    )
    assert response.status_code == 400
    assert response.json()["code"] == "photo_missing"
    assert _photo_count(db) == 0


def test_json_body_instead_of_multipart_is_415(client: TestClient, listing: dict[str, Any]) -> None:
    response = client.post(
        f"/api/products/{listing['product'].id}/photos", json={}, headers=listing["headers"]
    )
    assert response.status_code == 415
    assert response.json()["code"] == "multipart_required"


def test_delete_photo_removes_row_and_file(
    client: TestClient, db: Session, listing: dict[str, Any], settings: Settings
) -> None:
    body = _upload(client, listing, "a.png", image_bytes(), "image/png").json()
    key = body["url"].rsplit("/", 1)[1]
    storage = LocalDiskStorage(settings.upload_dir)
    assert storage.exists(key)
    response = client.delete(f"/api/photos/{body['id']}", headers=listing["headers"])
    assert response.status_code == 204
    assert not storage.exists(key)
    assert _photo_count(db) == 0
    assert client.get(body["url"]).status_code == 404


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "..%2F..%2Fsecret.png", "x.png", "0" * 32 + ".gif"]
)
def test_media_refuses_keys_it_did_not_make(client: TestClient, key: str) -> None:
    assert client.get(f"/media/{key}").status_code == 404


def test_storage_keys_are_random_and_validated(tmp_path: Any) -> None:
    first, second = new_key("png"), new_key("png")
    assert first != second and is_valid_key(first)
    storage = LocalDiskStorage(tmp_path)
    with pytest.raises(ValueError):
        storage.save("../escape.png", b"x")
    assert storage.path("../escape.png") is None
