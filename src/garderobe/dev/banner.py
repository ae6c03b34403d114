"""The block `garderobe dev` prints once the API answers: where to go, how to log in, and
how long each part of the start took."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from garderobe.dev.accounts import DevAccount
from garderobe.dev.sample import SampleShop


def seconds_since_process_start() -> float | None:
    """Wall time since this process was started (Linux /proc), imports included."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class StartReport:
    api_url: str
    store_seconds: dict[str, float] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    credentials_file: Path | None = None
    stack_file: Path | None = None
    new_accounts: Sequence[DevAccount] = ()
    sample: SampleShop | None = None
    pictures_pending: int = 0


def _timing_line(report: StartReport) -> str:
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
    total = seconds_since_process_start()
    ready = f"ready {total:.1f} s after the command started" if total is not None else "ready"
    return f"garderobe dev is {ready} ({phases})"


def render(report: StartReport) -> str:
    stores = " · ".join(f"{name} {seconds:.1f} s" for name, seconds in report.store_seconds.items())
    rows = [
        ("shop", f"{report.api_url}/"),
        ("API docs", f"{report.api_url}/docs"),
        ("mail inbox", f"{report.api_url}/dev/mails"),
    ]
    if report.credentials_file is not None:
        rows.append(("accounts", str(report.credentials_file)))
    for account in report.new_accounts:
        rows.append((account.role, f"{account.email}  password: {account.password}"))
    if report.stack_file is not None:
        rows.append(("store URLs", f"{report.stack_file} (read by garderobe commands run here)"))
    if report.sample is not None and report.sample.loaded:
        rows.append(
            (
                "sample shop",
                f"{report.sample.categories} categories, {report.sample.items} items in "
                f"{report.sample.leaves} leaf categories",
            )
        )
    if report.pictures_pending:
        rows.append(("pictures", f"{report.pictures_pending} filling in (progress in the log)"))
    if stores:
        rows.append(("store starts", stores))
    width = max(len(label) for label, _ in rows)
    lines = [_timing_line(report)]
    lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
    if report.new_accounts:
        lines.append("  (passwords shown this once; the accounts file keeps them, mode 0600)")
    rule = "-" * min(max(len(line) for line in lines), 100)
    return "\n".join([rule, *lines, rule])
