"""The worker sends real mail through SMTP: enqueue -> arq worker -> the sink receives it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest

from garderobe import mailer
from garderobe.infra import jobs
from garderobe.infra.devstack import MailSink
from garderobe.infra.stores import Stores
from garderobe.logs import RequestIdFilter
from garderobe.uow import unit_of_work


async def test_send_mail_job_delivers_text_and_html(
    stores: Stores, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    await jobs.enqueue(
        stores.queue,
        "send_mail",
        {
            "to": "ann@example.org",
            "subject": "Your parcel",
            "text": "plain body",
            "html": "<p>html body</p>",
        },
    )
    assert await run_jobs() >= 1
    received = await mail_sink.wait_for(lambda m: "ann@example.org" in m.rcpt_tos)
    assert received.subject == "Your parcel"
    assert "plain body" in received.text
    assert received.html is not None
    assert "<p>html body</p>" in received.html


async def test_outbox_mail_is_sent_once_after_commit(
    stores: Stores, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    async with unit_of_work(stores) as session:
        mailer.queue_mail(session, to="bob@example.org", template="test", context={"name": "Bob"})
    await run_jobs()
    await run_jobs()  # a second delivery finds the row processed and sends nothing
    mails = [m for m in mail_sink.messages if "bob@example.org" in m.rcpt_tos]
    assert len(mails) == 1
    assert "Hello Bob" in mails[0].text
    assert mails[0].subject == "garderobe test mail"


async def test_rolled_back_transaction_sends_no_mail(
    stores: Stores, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    try:
        async with unit_of_work(stores) as session:
            mailer.queue_mail(
                session, to="eve@example.org", template="test", context={"name": "Eve"}
            )
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    await run_jobs()
    assert not [m for m in mail_sink.messages if "eve@example.org" in m.rcpt_tos]


async def test_job_log_lines_carry_the_job_id(
    stores: Stores,
    run_jobs: Callable[[], Awaitable[int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO, logger="garderobe.worker")
    mail = {"to": "kim@example.org", "subject": "Hi", "text": "t"}
    await jobs.enqueue(stores.queue, "send_mail", mail, job_id="job-under-test")
    await run_jobs()
    sent = [r for r in caplog.records if r.getMessage() == "mail sent"]
    assert [r.request_id for r in sent] == ["job:job-under-test"]  # type: ignore[attr-defined]
