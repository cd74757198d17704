"""The status outbox: state changes whose WeChat messages and bank webhook have not been handed on yet.

A state change marks its event row `notify_pending` in its own transaction. The dispatcher of each
process claims marked events in batches and, in one transaction, creates a message row per borrower,
queues the webhook job and clears the mark. Then it sends the messages. A crash at any point leaves a
marked event or a pending message row, and the dispatcher of some process picks either up again.
"""

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from uuid import UUID

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mortgage_cloud.applications.models import Application, ApplicationEvent, Signer
from mortgage_cloud.applications.states import LABELS, State
from mortgage_cloud.identity.models import Borrower, WechatAccount
from mortgage_cloud.infra.runtime import runtime
from mortgage_cloud.notify.messages import page_for
from mortgage_cloud.notify.models import NotificationLog
from mortgage_cloud.notify.service import UNREACHABLE, dedup_key, needs_sending, send_entry
from mortgage_cloud.notify.webhooks import CREATE_JOB

log = logging.getLogger(__name__)

BATCH_SIZE = 50
POLL_SECONDS = 1.0  # how soon a process picks up events that another process marked
RESEND_EVERY_SECONDS = 10.0
STALE_SECONDS = 60.0  # a pending message row untouched this long lost the process that was sending it
RETRY_SECONDS = 30.0  # the wait before a message WeChat could not be reached for is sent again
MAX_ATTEMPTS = 5
SEND_CONCURRENCY = 4  # applications whose messages go out at once, while each application's go out in order


class StatusOutbox:
    """The dispatcher of one process: woken by each local state change, and polling for the others."""

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._busy = False

    def wake(self) -> None:
        """Ask for a dispatch now, because this process has just committed a state change."""
        self._wake.set()

    async def run_forever(self) -> None:
        """Dispatch marked events until cancelled, and now and then resend what was left unsent."""
        loop = asyncio.get_running_loop()
        next_resend = loop.time()
        while True:
            claimed = await self._dispatch_logged()
            if loop.time() >= next_resend:
                await _resend_logged()
                next_resend = loop.time() + RESEND_EVERY_SECONDS
            if claimed:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass
            self._wake.clear()

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until no event is marked and this process is sending nothing; return False after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._busy or await ApplicationEvent.filter(notify_pending=True).exists():
            if deadline is not None and loop.time() >= deadline:
                return False
            self.wake()
            await asyncio.sleep(0.02)
        return True

    async def _dispatch_logged(self) -> int:
        self._busy = True
        try:
            return await dispatch_batch()
        except Exception:
            log.exception("status outbox dispatch failed")
            return 0
        finally:
            self._busy = False


async def dispatch_batch() -> int:
    """Claim up to BATCH_SIZE marked events, hand them on, send their messages and return how many were claimed."""
    events, applications, entries = await _claim_events()
    if events:
        await _send_entries(entries, applications)
    return len(events)


async def _claim_events() -> tuple[list[ApplicationEvent], dict[UUID, Application], list[NotificationLog]]:
    async with in_transaction() as connection:
        # SKIP LOCKED lets the dispatchers of several processes take different events. SQLite ignores it, so
        # there a second process could send a message twice, and `client_msg_id` lets WeChat drop the copy.
        events = await (ApplicationEvent.filter(notify_pending=True).order_by("id").limit(BATCH_SIZE)
                        .select_for_update(skip_locked=True).using_db(connection))
        if not events:
            return [], {}, []

        ids = {event.application_id for event in events}
        applications = {application.id: application for application in await Application.filter(id__in=ids)
                        .select_related("institution").using_db(connection)}
        rows = await _message_rows(events, applications, connection)
        if rows:
            await NotificationLog.bulk_create(rows, ignore_conflicts=True, using_db=connection)
        await _queue_webhooks(events, applications)
        await ApplicationEvent.filter(id__in=[event.id for event in events]).using_db(connection).update(
            notify_pending=False)

    entries = await NotificationLog.filter(dedup_key__in=[row.dedup_key for row in rows]) if rows else []
    return events, applications, [entry for entry in entries if needs_sending(entry)]


async def _message_rows(events: list[ApplicationEvent], applications: dict[UUID, Application],
                        connection) -> list[NotificationLog]:
    """Return one pending message row per event and borrower: the applicant and every co-owner with an account.

    A co-owner is found by the ID-number hash as well as by signature, so one who has not signed yet still
    gets the message that prompts them to sign.
    """
    recipients: dict[UUID, set[UUID]] = defaultdict(set)
    for application in applications.values():
        if application.borrower_id is not None:  # a cancellation has no borrower
            recipients[application.id].add(application.borrower_id)
    signers = await (Signer.filter(application_id__in=list(applications), borrower_id__isnull=False)
                     .using_db(connection).values_list("application_id", "borrower_id"))
    for application_id, borrower_id in signers:
        recipients[application_id].add(borrower_id)

    owners_by_hash: dict[str, set[UUID]] = defaultdict(set)
    for application in applications.values():
        for mortgagor in application.mortgagors or []:
            if mortgagor.get("id_hash"):
                owners_by_hash[mortgagor["id_hash"]].add(application.id)
    if owners_by_hash:
        borrowers = await (Borrower.filter(id_hash__in=list(owners_by_hash)).using_db(connection)
                           .values_list("id", "id_hash"))
        for borrower_id, id_hash in borrowers:
            for application_id in owners_by_hash[id_hash]:
                recipients[application_id].add(borrower_id)

    return [
        NotificationLog(application_id=event.application_id, borrower_id=borrower_id, state=event.to_state,
                        dedup_key=dedup_key(str(event.application_id), event.to_state, str(borrower_id)),
                        status="pending", occurred_at=event.occurred_at)
        for event in events
        for borrower_id in sorted(recipients[event.application_id], key=str)
    ]


async def _queue_webhooks(events: list[ApplicationEvent], applications: dict[UUID, Application]) -> None:
    """Queue the webhook job of each event whose mortgagee has a webhook URL.

    Queued before the claim commits: a job queued for a claim that then rolls back is queued again
    under the same key, and the job creates its event once.
    """
    for event in events:
        application = applications.get(event.application_id)
        if application is None or not application.institution.webhook_url:
            continue
        await runtime().notify_queue.enqueue(CREATE_JOB, key=f"webhook-event:{event.application_id}:{event.to_state}",
                                             application_id=str(event.application_id), state=event.to_state)


async def _send_entries(entries: list[NotificationLog], applications: dict[UUID, Application]) -> None:
    """Send the rows, one application's in the order its states came, several applications at once."""
    if not entries:
        return
    accounts: dict[UUID, list[WechatAccount]] = defaultdict(list)
    for account in await WechatAccount.filter(borrower_id__in={entry.borrower_id for entry in entries}):
        accounts[account.borrower_id].append(account)

    by_application: dict[UUID, list[NotificationLog]] = defaultdict(list)
    for entry in sorted(entries, key=lambda entry: (entry.occurred_at or entry.created_at, entry.created_at)):
        by_application[entry.application_id].append(entry)

    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send_in_order(application_id: UUID, rows: list[NotificationLog]) -> None:
        async with gate:
            for entry in rows:
                await _send_logged(entry, applications.get(application_id), accounts[entry.borrower_id])

    await asyncio.gather(*(send_in_order(application_id, rows) for application_id, rows in by_application.items()))


async def _send_logged(entry: NotificationLog, application: Application | None,
                       accounts: list[WechatAccount]) -> None:
    context = {"application_id": str(entry.application_id), "borrower_id": str(entry.borrower_id),
               "state": entry.state}
    if application is None:
        log.warning("status message for a missing application", extra=context)
        return
    try:
        await send_entry(entry, accounts, application_no=application.application_no,
                         state_label=LABELS[State(entry.state)], occurred_at=entry.occurred_at or entry.created_at,
                         page=page_for(str(application.id), None))
    except Exception:
        log.exception("status message failed unexpectedly", extra=context)


async def _resend_logged() -> None:
    try:
        await resend_due()
    except Exception:
        log.exception("status message resend failed")


async def resend_due(*, now: datetime | None = None) -> int:
    """Send again the rows a crash left pending and those WeChat could not be reached for, and return how many."""
    now = now or datetime.now(timezone.utc)
    stale = Q(status="pending", updated_at__lte=now - timedelta(seconds=STALE_SECONDS))
    unreachable = Q(status="failed", errcode=UNREACHABLE, attempts__lt=MAX_ATTEMPTS,
                    updated_at__lte=now - timedelta(seconds=RETRY_SECONDS))
    async with in_transaction() as connection:
        entries = await (NotificationLog.filter(stale | unreachable).order_by("created_at").limit(BATCH_SIZE)
                         .select_for_update(skip_locked=True).using_db(connection))
        if not entries:
            return 0
        # Touching the rows leases them to this process until they are stale again.
        await NotificationLog.filter(id__in=[entry.id for entry in entries]).using_db(connection).update(
            updated_at=now)

    applications = {application.id: application
                    for application in await Application.filter(id__in={entry.application_id for entry in entries})}
    await _send_entries(entries, applications)
    log.info("status messages sent again", extra={"count": len(entries)})
    return len(entries)
