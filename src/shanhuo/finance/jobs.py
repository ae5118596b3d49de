"""Credit jobs the server runs on its own: repayment from settled sales ("automatic
repayment deducted from sales settlements") and daily penalty/overdue accrual. Both are
idempotent (unique posting keys), so several workers or a late run change nothing twice."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from shanhuo.finance import loans
from shanhuo.kit.timeutil import utcnow

log = logging.getLogger("shanhuo.finance.jobs")

COLLECT_INTERVAL_SECONDS = 60.0


def collect_and_accrue_once(session_factory: sessionmaker[Session]) -> tuple[int, int]:
    """One run in one transaction: returns (repayments from settlements, penalty postings)."""
    now = utcnow()
    with session_factory() as session:
        _credited, repaid = loans.collect(session, now=now)
        penalties = loans.accrue(session, through=loans.local_date(now), now=now)
        session.commit()
    if repaid or penalties:
        log.info("credit: %d repayments from settlements, %d penalty postings", repaid, penalties)
    return repaid, penalties
