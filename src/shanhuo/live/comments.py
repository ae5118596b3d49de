"""Comments with moderation: blocked words (platform defaults plus the room's own), muted
users, the anchor hiding or pinning a comment. Text is stored as typed; pages and the room's
JavaScript always render it as text (escaped), never as markup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Invalid, NotFound
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.live import rooms, rules
from shanhuo.live.schemas import CommentRead
from shanhuo.models import LiveComment, LiveMute, LiveRoom, User

RECENT = 30


def author_of(user: User) -> str:
    """How others see a commenter: a masked name, or a masked mobile."""
    return mask_name(user.display_name) if user.display_name.strip() else mask_mobile(user.mobile)


def is_muted(session: Session, *, room_id: int, user_id: int) -> bool:
    return (
        session.scalars(
            select(LiveMute.id).where(LiveMute.room_id == room_id, LiveMute.user_id == user_id)
        ).first()
        is not None
    )


def comment_read(comment: LiveComment) -> CommentRead:
    return CommentRead(
        id=comment.id,
        user_id=comment.user_id,
        author=comment.author,
        text=comment.body,
        at=comment.created_at,
    )


def post(session: Session, *, room_id: int, user: User, text: str, now: datetime) -> LiveComment:
    room = rooms.get_room(session, room_id)
    live = rooms.live_session_or_409(session, room_id)
    body = rules.check_comment(
        text,
        words=rules.blocked_words(room.blocked_words),
        muted=is_muted(session, room_id=room_id, user_id=user.id),
    )
    comment = LiveComment(
        room_id=room_id,
        session_id=live.id,
        user_id=user.id,
        author=author_of(user),
        body=body,
        hidden=False,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    return comment


def recent(session: Session, room_id: int, *, limit: int = RECENT) -> list[CommentRead]:
    rows = session.scalars(
        select(LiveComment)
        .where(LiveComment.room_id == room_id, LiveComment.hidden.is_(False))
        .order_by(LiveComment.id.desc())
        .limit(limit)
    ).all()
    return [comment_read(c) for c in reversed(rows)]


def mute(session: Session, room: LiveRoom, *, user_id: int, by_id: int, now: datetime) -> bool:
    """Mute a user in the room (their earlier comments are hidden too). Idempotent."""
    if session.get(User, user_id) is None:
        raise NotFound("user_not_found", "用户不存在", "No such user")
    if user_id == room.anchor_id:
        raise Invalid("cannot_mute_anchor", "不能禁言主播自己", "The anchor cannot be muted")
    session.execute(
        update(LiveComment)
        .where(LiveComment.room_id == room.id, LiveComment.user_id == user_id)
        .values(hidden=True)
        .execution_options(synchronize_session=False)
    )
    if is_muted(session, room_id=room.id, user_id=user_id):
        return False
    try:
        with session.begin_nested():
            session.add(
                LiveMute(room_id=room.id, user_id=user_id, muted_by_id=by_id, created_at=now)
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def pin_comment(session: Session, room: LiveRoom, *, comment_id: int) -> LiveComment:
    comment = session.get(LiveComment, comment_id)
    if comment is None or comment.room_id != room.id or comment.hidden:
        raise NotFound("comment_not_found", "评论不存在", "No such comment")
    room.pinned_comment_id = comment.id
    session.flush()
    return comment


def pinned(session: Session, room: LiveRoom) -> CommentRead | None:
    if room.pinned_comment_id is None:
        return None
    comment = session.get(LiveComment, room.pinned_comment_id)
    return comment_read(comment) if comment is not None and not comment.hidden else None
