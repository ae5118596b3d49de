"""Personal data masking (PIPL): numbers and names as a courier or a log may see them."""

from __future__ import annotations

import logging
import re

MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_mobile(mobile: str) -> str:
    """13812341234 -> 138****1234."""
    if len(mobile) == 11 and mobile.isdigit():
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "*" * len(mobile)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; empty stays empty."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_mobiles_in(text: str) -> str:
    return MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class MaskMobileFilter(logging.Filter):
    """Rewrites any mainland mobile number in a log record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_mobiles_in(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
