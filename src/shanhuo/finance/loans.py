"""Loans: acceptance, disbursement to the store's balance, repayment (manual, early payoff and
automatic from settled sales), penalty accrual, and the loan statement.

Automatic repayment: ``repay_from_settlement(session, settlement_id, *, now)`` credits a
settled sale to the store's balance and takes the policy share of it towards the open loan.
The payments flow cannot call it when the buyer confirms receipt — finance sits above
payments, so payments may not import finance — so it runs from the sweep
``shanhuo finance collect`` (all settled sales not yet credited) and from the seller's
"repay now" action, which collects first. Every step is idempotent: the ledger key
``settlement:<id>`` and the repayment key ``settlement:<id>:loan:<loan>`` are unique.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.finance import ledger, rules
from shanhuo.finance.policy import active_policy, get_policy
from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, Forbidden, Invalid, NotFound
from shanhuo.kit.timeutil import to_shanghai
from shanhuo.models import (
    CreditInstalment,
    CreditLoan,
    CreditOffer,
    CreditRepayment,
    LedgerPosting,
    Settlement,
    Store,
    User,
)

OPEN_STATUSES = ("pending", "active", "overdue")


def local_date(moment: datetime) -> date:
    return to_shanghai(moment).date()


def _loan_not_found(loan_id: int) -> NotFound:
    return NotFound("loan_not_found", "贷款不存在", "No such loan", loan_id=loan_id)


def open_loan_of(session: Session, store_id: int) -> CreditLoan | None:
    return session.scalars(
        select(CreditLoan)
        .where(CreditLoan.store_id == store_id, CreditLoan.status.in_(OPEN_STATUSES))
        .order_by(CreditLoan.id)
    ).first()


def _lock_loan(session: Session, loan_id: int) -> CreditLoan:
    """The loan row, locked for this transaction (PostgreSQL ``FOR UPDATE``; SQLite
    transactions already hold the write lock from ``BEGIN IMMEDIATE``)."""
    loan = session.scalars(
        select(CreditLoan)
        .where(CreditLoan.id == loan_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if loan is None:
        raise _loan_not_found(loan_id)
    return loan


def instalment_rows(session: Session, loan_id: int) -> list[CreditInstalment]:
    return list(
        session.scalars(
            select(CreditInstalment)
            .where(CreditInstalment.loan_id == loan_id)
            .order_by(CreditInstalment.seq)
            .execution_options(populate_existing=True)
        )
    )


def to_rule(row: CreditInstalment) -> rules.Instalment:
    return rules.Instalment(
        seq=row.seq,
        period_start=row.period_start,
        due_date=row.due_date,
        principal_fen=row.principal_fen,
        interest_fen=row.interest_fen,
        penalty_fen=row.penalty_fen,
        paid_principal_fen=row.paid_principal_fen,
        paid_interest_fen=row.paid_interest_fen,
        paid_penalty_fen=row.paid_penalty_fen,
        waived_interest_fen=row.waived_interest_fen,
    )


def schedule_of(session: Session, loan_id: int) -> list[rules.Instalment]:
    return [to_rule(r) for r in instalment_rows(session, loan_id)]


def _save_schedule(
    session: Session, rows: list[CreditInstalment], schedule: list[rules.Instalment]
) -> None:
    for row, inst in zip(rows, schedule, strict=True):
        row.penalty_fen = inst.penalty_fen
        row.paid_principal_fen = inst.paid_principal_fen
        row.paid_interest_fen = inst.paid_interest_fen
        row.paid_penalty_fen = inst.paid_penalty_fen
        row.waived_interest_fen = inst.waived_interest_fen
    session.flush()


# Acceptance and disbursement ----------------------------------------------------------------


def accept_offer(session: Session, offer_id: int, *, user: User, now: datetime) -> CreditLoan:
    """The store owner accepts an open offer: a loan with its schedule, disbursed at once to
    the store's balance. A second acceptance (or a race of two) gets 409 and changes nothing:
    ``credit_loan.offer_id`` is unique and the offer moves open → accepted by a guarded update."""
    offer = session.get(CreditOffer, offer_id)
    if offer is None:
        raise NotFound("offer_not_found", "额度不存在", "No such offer")
    store = session.get(Store, offer.store_id)
    if store is None or store.owner_id != user.id:
        raise Forbidden("store_not_owned", "这不是您的店铺", "This store is not yours")
    if offer.status == "accepted":
        existing = session.scalars(
            select(CreditLoan).where(CreditLoan.offer_id == offer.id)
        ).first()
        raise Conflict(
            "offer_already_accepted",
            "该额度已接受",
            "This offer was already accepted",
            loan_id=existing.id if existing else None,
        )
    rules.offer_open(offer.status, expires_at=offer.expires_at, now=now)
    if open_loan_of(session, offer.store_id) is not None:
        raise Conflict("loan_outstanding", "请先还清当前贷款", "Repay the current loan first")
    policy = active_policy(session, now=now)
    start = local_date(now)
    schedule = rules.build_schedule(
        offer.amount_fen, Decimal(offer.daily_rate), offer.term_days, offer.method, start
    )
    try:
        with session.begin_nested():
            moved = session.execute(
                update(CreditOffer)
                .where(CreditOffer.id == offer.id, CreditOffer.status == "open")
                .values(status="accepted")
            )
            if rowcount(moved) != 1:
                raise Conflict(
                    "offer_already_accepted", "该额度已接受", "This offer was already accepted"
                )
            loan = CreditLoan(
                offer_id=offer.id,
                store_id=offer.store_id,
                principal_fen=offer.amount_fen,
                term_days=offer.term_days,
                method=offer.method,
                daily_rate=offer.daily_rate,
                penalty_daily_rate=str(policy.penalty_daily_rate),
                grace_days=policy.grace_days,
                policy_version=policy.version,
                status="pending",
                start_date=start,
                accrued_through=start,
                created_at=now,
            )
            session.add(loan)
            session.flush()
            session.add_all(
                CreditInstalment(
                    loan_id=loan.id,
                    seq=i.seq,
                    period_start=i.period_start,
                    due_date=i.due_date,
                    principal_fen=i.principal_fen,
                    interest_fen=i.interest_fen,
                )
                for i in schedule
            )
            session.flush()
    except IntegrityError:
        session.expire(offer)
        raise Conflict(
            "offer_already_accepted", "该额度已接受", "This offer was already accepted"
        ) from None
    session.refresh(offer)
    disburse(session, loan.id, now=now)
    return loan


def disburse(session: Session, loan_id: int, *, now: datetime) -> LedgerPosting:
    """Pay the principal into the store's balance, once (ledger key ``disburse:<loan>``;
    the loan moves pending → active by a guarded update)."""
    loan = _lock_loan(session, loan_id)
    key = f"disburse:{loan.id}"
    if loan.status != "pending":
        posting = ledger.posting_by_key(session, key)
        if posting is None:
            raise Conflict("loan_not_pending", "贷款状态不可放款", "The loan cannot be disbursed")
        return posting
    principal = ledger.account(
        session,
        ledger.principal_code(loan.id),
        "principal_receivable",
        store_id=loan.store_id,
        loan_id=loan.id,
    )
    posting, _created = ledger.post(
        session,
        key=key,
        kind="disbursement",
        memo=f"loan {loan.id}",
        now=now,
        entries=[
            (principal, loan.principal_fen),
            (ledger.account(session, ledger.LENDER_CASH, "lender_cash"), -loan.principal_fen),
            (
                ledger.account(session, ledger.PLATFORM_CLEARING, "platform_clearing"),
                loan.principal_fen,
            ),
            (ledger.store_account(session, loan.store_id), -loan.principal_fen),
        ],
    )
    session.execute(
        update(CreditLoan)
        .where(CreditLoan.id == loan.id, CreditLoan.status == "pending")
        .values(status="active", disbursed_at=now)
    )
    session.refresh(loan)
    return posting


# Repayment ----------------------------------------------------------------------------------


def repay(
    session: Session,
    loan_id: int,
    *,
    amount_fen: int,
    key: str,
    source: str,
    now: datetime,
    settlement_id: int | None = None,
) -> CreditRepayment:
    """Take ``amount_fen`` from the store's balance towards the loan. The same ``key`` again
    returns the first repayment (a different amount under a used key is a 409)."""
    existing = session.scalars(
        select(CreditRepayment).where(CreditRepayment.idempotency_key == key)
    ).first()
    if existing is not None:
        return _replayed(existing, loan_id, amount_fen)
    loan = _lock_loan(session, loan_id)
    existing = session.scalars(  # again, now that the loan is locked (a twin may have won)
        select(CreditRepayment).where(CreditRepayment.idempotency_key == key)
    ).first()
    if existing is not None:
        return _replayed(existing, loan_id, amount_fen)
    if loan.status not in ("active", "overdue"):
        raise Conflict("loan_not_open", "该贷款无需还款", "This loan is not open for repayment")
    today = local_date(now)
    rows = instalment_rows(session, loan.id)
    allocation = rules.allocate([to_rule(r) for r in rows], amount_fen, today)
    entries: list[tuple[Any, int]] = [
        (ledger.store_account(session, loan.store_id), amount_fen),
        (ledger.account(session, ledger.PLATFORM_CLEARING, "platform_clearing"), -amount_fen),
        (ledger.account(session, ledger.LENDER_CASH, "lender_cash"), amount_fen),
    ]
    if allocation.principal_fen:
        entries.append(
            (
                ledger.account(
                    session,
                    ledger.principal_code(loan.id),
                    "principal_receivable",
                    store_id=loan.store_id,
                    loan_id=loan.id,
                ),
                -allocation.principal_fen,
            )
        )
    if allocation.interest_fen:
        entries.append(
            (
                ledger.account(session, ledger.INTEREST_INCOME, "interest_income"),
                -allocation.interest_fen,
            )
        )
    if allocation.penalty_fen:
        entries.append(
            (
                ledger.account(
                    session,
                    ledger.penalty_code(loan.id),
                    "penalty_receivable",
                    store_id=loan.store_id,
                    loan_id=loan.id,
                ),
                -allocation.penalty_fen,
            )
        )
    with session.begin_nested():
        posting, created = ledger.post(
            session,
            key=f"repay:{key}",
            kind="repayment",
            entries=entries,
            now=now,
            memo=f"loan {loan.id} {source}",
        )
        if not created:  # a concurrent twin committed first
            raise Conflict(
                "repayment_in_progress", "该还款已处理", "This repayment was already made"
            )
        repayment = CreditRepayment(
            loan_id=loan.id,
            idempotency_key=key,
            source=source,
            settlement_id=settlement_id,
            amount_fen=amount_fen,
            principal_fen=allocation.principal_fen,
            interest_fen=allocation.interest_fen,
            penalty_fen=allocation.penalty_fen,
            posting_id=posting.id,
            created_at=now,
        )
        session.add(repayment)
        _save_schedule(session, rows, allocation.schedule)
        _refresh_status(loan, allocation.schedule, today, now)
        session.flush()
    return repayment


def _replayed(existing: CreditRepayment, loan_id: int, amount_fen: int) -> CreditRepayment:
    if existing.loan_id != loan_id or existing.amount_fen != amount_fen:
        raise Conflict(
            "idempotency_key_reused",
            "该幂等键已用于另一笔还款",
            "This idempotency key was used for a different repayment",
        )
    return existing


def _refresh_status(
    loan: CreditLoan, schedule: list[rules.Instalment], today: date, now: datetime
) -> None:
    status = rules.loan_status(schedule, today, loan.grace_days)
    loan.status = status
    loan.max_days_past_due = max(loan.max_days_past_due, rules.days_past_due(schedule, today))
    if status == "repaid" and loan.closed_at is None:
        loan.closed_at = now


def owed(session: Session, loan: CreditLoan, *, now: datetime) -> tuple[int, int]:
    """(owed now — the payoff amount, due now) of a loan."""
    schedule = schedule_of(session, loan.id)
    today = local_date(now)
    return rules.owed_now(schedule, today), rules.due_now(schedule, today)


# Settlements --------------------------------------------------------------------------------


def credit_settlement(session: Session, settlement: Settlement, *, now: datetime) -> bool:
    """Credit a settled sale's net amount to the store's balance, once."""
    if settlement.status != "settled" or settlement.net_fen <= 0:
        return False
    _posting, created = ledger.post(
        session,
        key=f"settlement:{settlement.id}",
        kind="settlement",
        memo=f"order {settlement.order_id}",
        now=now,
        entries=[
            (
                ledger.account(session, ledger.PLATFORM_CLEARING, "platform_clearing"),
                settlement.net_fen,
            ),
            (ledger.store_account(session, settlement.store_id), -settlement.net_fen),
        ],
    )
    return created


def repay_from_settlement(
    session: Session, settlement_id: int, *, now: datetime
) -> CreditRepayment | None:
    """The hook for settled sales: credit the sale to the store's balance, then take the policy
    share (at least what is due) towards the store's open loan. Idempotent."""
    settlement = session.get(Settlement, settlement_id)
    if settlement is None:
        raise NotFound("settlement_not_found", "结算记录不存在", "No such settlement")
    credit_settlement(session, settlement, now=now)
    if settlement.status != "settled":
        return None
    loan = open_loan_of(session, settlement.store_id)
    if loan is None or loan.status == "pending":
        return None
    key = f"settlement:{settlement.id}:loan:{loan.id}"
    done = session.scalars(
        select(CreditRepayment).where(CreditRepayment.idempotency_key == key)
    ).first()
    if done is not None:
        return done
    owed_fen, due_fen = owed(session, loan, now=now)
    share = get_policy(session, loan.policy_version).settlement_repay_share
    amount = rules.settlement_deduction(
        net_fen=settlement.net_fen,
        share=share,
        due_fen=due_fen,
        owed_fen=owed_fen,
        available_fen=ledger.store_balance(session, settlement.store_id),
    )
    if amount <= 0:
        return None
    return repay(
        session,
        loan.id,
        amount_fen=amount,
        key=key,
        source="settlement",
        now=now,
        settlement_id=settlement.id,
    )


def uncollected_settlements(
    session: Session, *, store_id: int | None = None, limit: int = 500
) -> list[int]:
    key = literal("settlement:") + cast(Settlement.id, String)
    query = (
        select(Settlement.id)
        .outerjoin(LedgerPosting, LedgerPosting.idempotency_key == key)
        .where(Settlement.status == "settled", LedgerPosting.id.is_(None))
        .order_by(Settlement.id)
        .limit(limit)
    )
    if store_id is not None:
        query = query.where(Settlement.store_id == store_id)
    return list(session.scalars(query))


def collect(
    session: Session, *, now: datetime, store_id: int | None = None, limit: int = 500
) -> tuple[int, int]:
    """Sweep: every settled sale not yet credited goes through ``repay_from_settlement``.
    Returns (settlements credited, repayments made)."""
    credited = repaid = 0
    for settlement_id in uncollected_settlements(session, store_id=store_id, limit=limit):
        repayment = repay_from_settlement(session, settlement_id, now=now)
        credited += 1
        repaid += 1 if repayment is not None else 0
    return credited, repaid


# Penalty accrual ----------------------------------------------------------------------------


def accrue(session: Session, *, through: date, now: datetime) -> int:
    """Penalty interest and overdue status of every open loan, day by day up to ``through``
    (inclusive). Each (loan, day) is posted once (key ``penalty:<loan>:<day>``); days already
    accrued are skipped, so the job may run late or twice. Returns the postings made."""
    made = 0
    loan_ids = list(
        session.scalars(
            select(CreditLoan.id)
            .where(CreditLoan.status.in_(("active", "overdue")))
            .order_by(CreditLoan.id)
        )
    )
    for loan_id in loan_ids:
        loan = _lock_loan(session, loan_id)
        rows = instalment_rows(session, loan.id)
        schedule = [to_rule(r) for r in rows]
        day = (loan.accrued_through or loan.start_date) + timedelta(days=1)
        while day <= through:
            before = sum(i.penalty_fen for i in schedule)
            schedule = rules.penalty_for_day(
                schedule, day, rate=Decimal(loan.penalty_daily_rate), grace_days=loan.grace_days
            )
            added = sum(i.penalty_fen for i in schedule) - before
            if added > 0:
                _posting, created = ledger.post(
                    session,
                    key=f"penalty:{loan.id}:{day.isoformat()}",
                    kind="penalty",
                    memo=f"loan {loan.id} {day.isoformat()}",
                    now=now,
                    entries=[
                        (
                            ledger.account(
                                session,
                                ledger.penalty_code(loan.id),
                                "penalty_receivable",
                                store_id=loan.store_id,
                                loan_id=loan.id,
                            ),
                            added,
                        ),
                        (ledger.account(session, ledger.PENALTY_INCOME, "penalty_income"), -added),
                    ],
                )
                made += 1 if created else 0
            day += timedelta(days=1)
        if loan.accrued_through is None or through > loan.accrued_through:
            loan.accrued_through = through
        _save_schedule(session, rows, schedule)
        _refresh_status(loan, schedule, through, now)
        session.flush()
    return made


# Statement ----------------------------------------------------------------------------------


def get_loan_for(session: Session, loan_id: int, *, user: User, roles: set[str]) -> CreditLoan:
    """Owner of the store, or an analyst/admin (read-only)."""
    loan = session.get(CreditLoan, loan_id)
    if loan is None:
        raise _loan_not_found(loan_id)
    store = session.get(Store, loan.store_id)
    if store is None or (store.owner_id != user.id and not roles & {"analyst", "admin"}):
        raise _loan_not_found(loan_id)
    return loan


def statement(session: Session, loan: CreditLoan, *, now: datetime) -> dict[str, Any]:
    schedule = schedule_of(session, loan.id)
    today = local_date(now)
    repayments = list(
        session.scalars(
            select(CreditRepayment)
            .where(CreditRepayment.loan_id == loan.id)
            .order_by(CreditRepayment.id)
        )
    )
    rate = Decimal(loan.daily_rate)
    return {
        "loan": loan,
        "schedule": schedule,
        "repayments": repayments,
        "owed_now_fen": rules.owed_now(schedule, today),
        "due_now_fen": rules.due_now(schedule, today),
        "days_past_due": rules.days_past_due(schedule, today),
        "apr": rules.percent(rules.apr(rate)),
        "daily_rate": rules.percent(rate, 3),
        "paid_fen": sum(r.amount_fen for r in repayments),
        "penalty_fen": sum(i.penalty_fen for i in schedule),
        "store_balance_fen": ledger.store_balance(session, loan.store_id),
    }


def repay_now(
    session: Session,
    loan_id: int,
    *,
    amount_fen: int | None,
    payoff: bool,
    key: str,
    now: datetime,
) -> CreditRepayment:
    """The seller's "repay now": collect settled sales into the balance first, then repay the
    amount given — or, with ``payoff``, everything owed today (early repayment)."""
    loan = session.get(CreditLoan, loan_id)
    if loan is None:
        raise _loan_not_found(loan_id)
    full_key = f"manual:{loan.id}:{key}"
    done = session.scalars(
        select(CreditRepayment).where(CreditRepayment.idempotency_key == full_key)
    ).first()
    if done is not None and (payoff or done.amount_fen == amount_fen):
        return done  # a retried request
    collect(session, now=now, store_id=loan.store_id)
    session.refresh(loan)
    if payoff:
        amount_fen = owed(session, loan, now=now)[0]
        if amount_fen <= 0:
            raise Conflict("loan_not_open", "该贷款无需还款", "This loan is not open for repayment")
    if amount_fen is None or amount_fen <= 0:
        raise Invalid("amount_not_positive", "金额必须大于零", "The amount must be positive")
    return repay(
        session,
        loan.id,
        amount_fen=amount_fen,
        key=full_key,
        source="payoff" if payoff else "manual",
        now=now,
    )
