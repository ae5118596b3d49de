"""The published policy table: versions in ``credit_policy`` (never edited; a new version is a
new row). The first use writes the built-in ``rules.DEFAULT_POLICY`` as version p1."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.finance.rules import DEFAULT_POLICY, Policy
from shanhuo.kit.errors import NotFound
from shanhuo.models import CreditPolicy

_CACHE: dict[tuple[int, str], Policy] = {}


def publish(
    session: Session, policy: Policy, *, now: datetime, activate: bool = True
) -> CreditPolicy:
    row = CreditPolicy(
        version=policy.version,
        body_json=json.dumps(policy.to_json(), sort_keys=True),
        active=False,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if activate:
        for other in session.scalars(select(CreditPolicy).where(CreditPolicy.active.is_(True))):
            other.active = False
        row.active = True
        session.flush()
    return row


def active_policy(session: Session, *, now: datetime) -> Policy:
    row = session.scalars(
        select(CreditPolicy).where(CreditPolicy.active.is_(True)).order_by(CreditPolicy.id.desc())
    ).first()
    if row is None:
        try:
            with session.begin_nested():
                row = publish(session, DEFAULT_POLICY, now=now)
        except IntegrityError:  # another request published p1 at the same moment
            row = session.scalars(
                select(CreditPolicy).where(CreditPolicy.version == DEFAULT_POLICY.version)
            ).one()
    key = (row.id, row.version)
    if key not in _CACHE:
        _CACHE[key] = Policy.from_json(json.loads(row.body_json))
    return _CACHE[key]


def policy_body(session: Session, version: str) -> str:
    body = session.scalar(select(CreditPolicy.body_json).where(CreditPolicy.version == version))
    if body is None:
        raise NotFound("policy_not_found", "政策版本不存在", f"No policy version {version}")
    return body


def get_policy(session: Session, version: str) -> Policy:
    return Policy.from_json(json.loads(policy_body(session, version)))
