"""Joining a WeChat login to the borrower a bank branch registered at its kiosk, once the face check proves who it is.

A person who first signs at a branch kiosk has a borrower record with no WeChat account. The same
person may later log in with WeChat and declare the same ID number. Once that login passes the face
check against the ID photo, its WeChat account moves to the branch record, so the applications,
consents and evidence of the branch visit stay with the person.
"""

import logging

from tortoise.transactions import in_transaction

from mortgage_cloud.identity.models import Borrower, FaceVerification, WechatAccount

log = logging.getLogger(__name__)


async def branch_borrower(*, id_hash: str, other_than: Borrower) -> Borrower | None:
    """Return the borrower with this ID number that a branch registered and no WeChat account uses yet."""
    candidates = await Borrower.filter(id_hash=id_hash, unionid__isnull=True).exclude(id=other_than.id)
    for candidate in candidates:
        if not await WechatAccount.filter(borrower_id=candidate.id).exists():
            return candidate
    return None


async def claim_branch_borrower(borrower: Borrower) -> Borrower:
    """Move the WeChat login of a newly face-verified borrower onto the branch record of the same person.

    Return the branch record, or `borrower` itself when no branch registered its ID number. Only a
    borrower verified for the first time is moved, so it has no consent, application or signature of
    its own yet, and its row is deleted once its accounts and face checks have moved.
    """
    branch = await branch_borrower(id_hash=borrower.id_hash, other_than=borrower)
    if branch is None:
        return borrower

    async with in_transaction() as connection:
        await Borrower.filter(id=borrower.id).using_db(connection).update(unionid=None)
        await WechatAccount.filter(borrower_id=borrower.id).using_db(connection).update(borrower_id=branch.id)
        await FaceVerification.filter(borrower_id=borrower.id).using_db(connection).update(borrower_id=branch.id)
        await Borrower.filter(id=branch.id).using_db(connection).update(
            unionid=borrower.unionid, phone_enc=borrower.phone_enc, phone_hash=borrower.phone_hash,
            identity_verified_at=branch.identity_verified_at or borrower.identity_verified_at,
        )
        await Borrower.filter(id=borrower.id).using_db(connection).delete()

    log.info("wechat login joined to branch borrower", extra={"borrower_id": str(branch.id),
                                                              "merged_borrower_id": str(borrower.id)})
    return await Borrower.get(id=branch.id)
