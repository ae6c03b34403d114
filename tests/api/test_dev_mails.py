"""GET /dev/mails reads the sink's file while the sink appends to it."""

from __future__ import annotations

import json
from pathlib import Path

from garderobe.infra.mailsink import MAILS_FILE, recent_mails


def test_a_half_written_last_line_is_skipped_not_a_500(tmp_path: Path) -> None:
    whole = [json.dumps({"subject": f"mail {n}", "text": "é"}) for n in range(3)]
    half = json.dumps({"subject": "mail 3", "text": "é"}).encode()[:-4]
    cut_utf8 = "é".encode()[:1]  # a write stopped inside a UTF-8 sequence
    (tmp_path / MAILS_FILE).write_bytes("\n".join(whole).encode() + b"\n" + half + cut_utf8)
    assert [m["subject"] for m in recent_mails(tmp_path, 10)] == ["mail 2", "mail 1", "mail 0"]
    assert [m["subject"] for m in recent_mails(tmp_path, 2)] == ["mail 2", "mail 1"]
