"""Double-entry ledger in integer fen. Every money movement is one posting: a set of entries
that sums to zero, under a unique idempotency key (a retry finds the first posting).

Signs: debit positive. Accounts (one row each; per store / per loan where noted):

| code | kind | normal side | meaning |
|---|---|---|---|
| ``lender_cash`` | lender_cash | debit | the lender's funds (goes negative as it lends) |
| ``platform_clearing`` | platform_clearing | debit | money the platform holds for stores |
| ``store:<id>:balance`` | store_balance | credit | what the platform owes the store; never below zero |
| ``loan:<id>:principal`` | principal_receivable | debit | principal the store still owes |
| ``loan:<id>:penalty`` | penalty_receivable | debit | penalty interest accrued, unpaid |
| ``interest_income`` | interest_income | credit | interest earned (recognised when paid) |
| ``penalty_income`` | penalty_income | credit | penalty interest earned (recognised when accrued) |

Postings: a settled sale (clearing +N, store balance −N); disbursement (principal +P, lender
cash −P, clearing +P, store balance −P: the lender pays into the store's balance); repayment
(store balance +R, clearing −R, lender cash +R, principal −p, interest income −i, penalty
receivable −n); penalty accrual (penalty receivable +x, penalty income −x).

A store balance can only be drawn with a guarded update (``balance + x <= 0``), so it never
goes below zero under any concurrency.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict
from shanhuo.models import LedgerAccount, LedgerEntry, LedgerPosting

LENDER_CASH = "lender_cash"
PLATFORM_CLEARING = "platform_clearing"
INTEREST_INCOME = "interest_income"
PENALTY_INCOME = "penalty_income"


def store_balance_code(store_id: int) -> str:
    return f"store:{store_id}:balance"


def principal_code(loan_id: int) -> str:
    return f"loan:{loan_id}:principal"


def penalty_code(loan_id: int) -> str:
    return f"loan:{loan_id}:penalty"


def account(
    session: Session,
    code: str,
    kind: str,
    *,
    store_id: int | None = None,
    loan_id: int | None = None,
) -> LedgerAccount:
    """Get or create an account (the unique code settles a race between two creators)."""
    found = session.scalars(select(LedgerAccount).where(LedgerAccount.code == code)).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            created = LedgerAccount(
                code=code, kind=kind, store_id=store_id, loan_id=loan_id, balance_fen=0
            )
            session.add(created)
            session.flush()
            return created
    except IntegrityError:
        return session.scalars(select(LedgerAccount).where(LedgerAccount.code == code)).one()


def store_account(session: Session, store_id: int) -> LedgerAccount:
    return account(session, store_balance_code(store_id), "store_balance", store_id=store_id)


def store_balance(session: Session, store_id: int) -> int:
    """What the store holds on the platform, in fen (≥ 0)."""
    value = session.scalar(
        select(LedgerAccount.balance_fen).where(LedgerAccount.code == store_balance_code(store_id))
    )
    return -int(value or 0)


def posting_by_key(session: Session, key: str) -> LedgerPosting | None:
    return session.scalars(
        select(LedgerPosting).where(LedgerPosting.idempotency_key == key)
    ).first()


def check_balanced(entries: Sequence[tuple[int, int]]) -> None:
    if not entries or sum(amount for _, amount in entries) != 0:
        raise ValueError("a posting's entries must sum to zero")
    if any(amount == 0 for _, amount in entries):
        raise ValueError("zero entries are not allowed")


def post(
    session: Session,
    *,
    key: str,
    kind: str,
    entries: Sequence[tuple[LedgerAccount, int]],
    now: datetime,
    memo: str = "",
) -> tuple[LedgerPosting, bool]:
    """Write one balanced posting; returns (posting, created). A posting already made under
    ``key`` is returned unchanged with ``created=False``. Store balances are drawn with a
    guarded update; if one would go below zero, nothing is written and ``Conflict`` is raised."""
    merged: dict[int, int] = {}
    by_id = {}
    for acct, amount in entries:
        merged[acct.id] = merged.get(acct.id, 0) + amount
        by_id[acct.id] = acct
    lines = [(acct_id, amount) for acct_id, amount in sorted(merged.items()) if amount != 0]
    check_balanced(lines)
    existing = posting_by_key(session, key)
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            posting = LedgerPosting(idempotency_key=key, kind=kind, memo=memo[:200], created_at=now)
            session.add(posting)
            session.flush()
            for acct_id, amount in lines:  # id order: concurrent postings lock alike
                statement = update(LedgerAccount).where(LedgerAccount.id == acct_id)
                if by_id[acct_id].kind == "store_balance" and amount > 0:
                    statement = statement.where(LedgerAccount.balance_fen + amount <= 0)
                result = session.execute(
                    statement.values(balance_fen=LedgerAccount.balance_fen + amount)
                )
                if rowcount(result) != 1:
                    raise Conflict(
                        "insufficient_store_balance",
                        "店铺余额不足",
                        "The store balance is too low",
                    )
                session.add(
                    LedgerEntry(posting_id=posting.id, account_id=acct_id, amount_fen=amount)
                )
            session.flush()
    except IntegrityError:
        # Another transaction made the same posting first (unique idempotency key).
        again = posting_by_key(session, key)
        if again is None:
            raise
        return again, False
    for acct in by_id.values():
        session.expire(acct, ["balance_fen"])
    return posting, True


def ledger_problems(session: Session) -> list[str]:
    """Break-downs of the ledger invariants (empty when the books are right): every posting
    sums to zero; every cached balance equals the sum of its entries; all balances sum to
    zero; no store balance is below zero."""
    problems: list[str] = []
    unbalanced = session.execute(
        select(LedgerEntry.posting_id, func.sum(LedgerEntry.amount_fen))
        .group_by(LedgerEntry.posting_id)
        .having(func.sum(LedgerEntry.amount_fen) != 0)
    ).all()
    problems += [f"posting {pid} sums to {total}" for pid, total in unbalanced]
    sums = dict(
        session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen)).group_by(
                LedgerEntry.account_id
            )
        ).all()
    )
    total = 0
    for acct in session.scalars(select(LedgerAccount).order_by(LedgerAccount.id)):
        total += acct.balance_fen
        if acct.balance_fen != int(sums.get(acct.id) or 0):
            problems.append(
                f"account {acct.code}: balance {acct.balance_fen} != entries {sums.get(acct.id)}"
            )
        if acct.kind == "store_balance" and acct.balance_fen > 0:
            problems.append(f"account {acct.code}: store balance below zero")
    if total != 0:
        problems.append(f"all balances sum to {total}, not 0")
    return problems
