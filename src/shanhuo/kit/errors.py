"""Domain errors carry their HTTP status, a stable code and a message in zh-CN and English.

One handler (``shanhuo.app``) renders them as RFC 9457 problem+json for the API and as an
error page for HTML routes.
"""

from __future__ import annotations

from typing import Any


class ShanhuoError(Exception):
    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        code: str | None = None,
        zh: str = "请求有误",
        en: str = "Bad request",
        *,
        status: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(en)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.message_zh = zh
        self.message_en = en
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.code}",
            "title": self.message_en,
            "status": self.status,
            "detail": f"{self.message_zh} / {self.message_en}",
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class BadRequest(ShanhuoError):
    status = 400


class Unauthorized(ShanhuoError):
    status = 401

    def __init__(
        self,
        code: str = "not_signed_in",
        zh: str = "请先登录",
        en: str = "Please sign in",
        **extra: Any,
    ) -> None:
        super().__init__(code, zh, en, **extra)


class Forbidden(ShanhuoError):
    status = 403

    def __init__(
        self,
        code: str = "forbidden",
        zh: str = "无权操作",
        en: str = "You may not do this",
        **extra: Any,
    ) -> None:
        super().__init__(code, zh, en, **extra)


class NotFound(ShanhuoError):
    status = 404

    def __init__(
        self, code: str = "not_found", zh: str = "未找到", en: str = "Not found", **extra: Any
    ) -> None:
        super().__init__(code, zh, en, **extra)


class Conflict(ShanhuoError):
    status = 409


class Invalid(ShanhuoError):
    status = 422


class PayloadTooLarge(ShanhuoError):
    status = 413


class UnsupportedMedia(ShanhuoError):
    status = 415


class TooManyRequests(ShanhuoError):
    status = 429
