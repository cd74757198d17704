"""WeChat logins: map every openid of one WeChat user to exactly one Borrower through the unionid."""

import logging

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction
from wechatpy.exceptions import WeChatClientException, WeChatOAuthException

from mortgage_cloud.errors import AuthenticationRequired, Forbidden, ProviderUnavailable
from mortgage_cloud.identity import wechat
from mortgage_cloud.identity.models import Borrower, WechatAccount
from mortgage_cloud.infra.runtime import runtime

log = logging.getLogger(__name__)

MINI_PROGRAM = "mini_program"
OFFICIAL_ACCOUNT = "official_account"
INVALID_CODE_ERRCODES = {40029, 40163}  # invalid or expired code, code already used


async def login_mini_program(*, code: str) -> Borrower:
    """Log in with a mini-program `wx.login` code; the session_key WeChat returns is dropped here."""
    try:
        answer = await wechat.code_to_session(code)
    except WeChatClientException as error:
        raise _code_error(error.errcode) from error

    settings = runtime().settings
    return await link_wechat_account(app_id=settings.wechat_mp_app_id, kind=MINI_PROGRAM,
                                     openid=answer["openid"], unionid=answer.get("unionid"))


async def login_official_account(*, code: str) -> Borrower:
    """Log in with an official-account web OAuth code; a snapshot user (virtual openid) is rejected."""
    try:
        answer = await wechat.exchange_oauth_code(code)
    except WeChatOAuthException as error:
        raise _code_error(error.errcode) from error

    if str(answer.get("is_snapshotuser", "0")) == "1":
        log.info("snapshot user rejected at login")
        raise Forbidden("当前为微信快照页模式，只能浏览。请点击页面下方「使用完整服务」后重新进入。",
                        code="WECHAT_SNAPSHOT_USER")
    settings = runtime().settings
    return await link_wechat_account(app_id=settings.wechat_oa_app_id, kind=OFFICIAL_ACCOUNT,
                                     openid=answer["openid"], unionid=answer.get("unionid"))


def _code_error(errcode: int | None) -> Exception:
    if errcode in INVALID_CODE_ERRCODES:
        return AuthenticationRequired("微信登录凭证无效、已过期或已被使用，请重新登录。", code="WECHAT_CODE_INVALID")
    log.warning("WeChat login failed", extra={"errcode": errcode})
    return ProviderUnavailable("微信登录暂时不可用，请稍后重试。", code="WECHAT_UNAVAILABLE")


async def link_wechat_account(
    *, app_id: str, kind: str, openid: str, unionid: str | None, follows_official_account: bool | None = None
) -> Borrower:
    """Return the borrower of this WeChat user, creating the borrower and the account link on first sight."""
    try:
        return await _link(app_id=app_id, kind=kind, openid=openid, unionid=unionid, follows=follows_official_account)
    except IntegrityError:
        # Two first logins of one user raced on the unique unionid or openid: the other one won, so use its rows.
        log.info("concurrent first login, reading the winner's rows", extra={"wechat_app": kind})
        return await _link(app_id=app_id, kind=kind, openid=openid, unionid=unionid, follows=follows_official_account)


async def _link(*, app_id: str, kind: str, openid: str, unionid: str | None, follows: bool | None) -> Borrower:
    async with in_transaction() as connection:
        account = await WechatAccount.get_or_none(openid=openid).using_db(connection)
        borrower = await Borrower.get_or_none(unionid=unionid).using_db(connection) if unionid else None

        if borrower is None and account is not None:
            borrower = await Borrower.get(id=account.borrower_id).using_db(connection)
            if unionid and borrower.unionid is None:
                borrower.unionid = unionid
                await borrower.save(using_db=connection, update_fields=["unionid"])
        if borrower is None:
            borrower = await Borrower.create(unionid=unionid, using_db=connection)
            log.info("borrower created at first WeChat login", extra={"borrower_id": str(borrower.id), "wechat_app": kind})

        if account is None:
            await WechatAccount.create(openid=openid, app_id=app_id, kind=kind, borrower_id=borrower.id,
                                       follows_official_account=bool(follows), using_db=connection)
        elif account.borrower_id != borrower.id or follows is not None:
            if account.borrower_id != borrower.id:
                log.warning("WeChat account moved to the borrower of its unionid",
                            extra={"borrower_id": str(borrower.id), "previous_borrower_id": str(account.borrower_id)})
            account.borrower_id = borrower.id
            if follows is not None:
                account.follows_official_account = follows
            await account.save(using_db=connection)
    return borrower
