"""SMTP down while users register: every mail still arrives, exactly once."""

from __future__ import annotations

from datetime import timedelta

import httpx

from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from garderobe.outbox import service as outbox
from tests.accounts.helpers import RunJobs, register


async def test_mails_sent_once_after_smtp_comes_back(
    client: httpx.AsyncClient, stores: Stores, mail_sink: MailSink, run_jobs: RunJobs
) -> None:
    emails = [f"outage{i}@example.org" for i in range(3)]
    mail_sink.stop()
    try:
        for email in emails:
            await register(client, email)
        await run_jobs()  # every send fails: SMTP is down
    finally:
        mail_sink.start()
    assert not [m for m in mail_sink.messages if m.rcpt_tos[0] in emails]
    requeued = await outbox.requeue_stale(
        stores.sessionmaker, stores.queue, older_than=timedelta(0)
    )
    assert requeued == 3
    await run_jobs()
    await outbox.requeue_stale(stores.sessionmaker, stores.queue, older_than=timedelta(0))
    await run_jobs()  # nothing is left to send: no duplicates
    for email in emails:
        assert len(mail_sink.to(email)) == 1
