"""schemathesis's command line, with one CPython 3.11 bug kept out of the fuzzer's way.

Hypothesis names each lambda a strategy is filtered with by parsing the lambda's source file;
on CPython 3.11.7 that `ast.parse`, run deep in schemathesis's worker threads, can fail with
`SystemError: AST constructor recursion depth mismatch` (seen in CI on GET /api/v1/orders).
The name only labels a strategy, so the lambda is named as Hypothesis names one it cannot
read. Nothing the API answers is affected: its failures still fail the run.
"""

from __future__ import annotations

import sys
from typing import Any

from hypothesis.internal import lambda_sources
from schemathesis.cli import schemathesis

_describe = lambda_sources._lambda_description


def _described(f: Any, *args: Any, **kwargs: Any) -> str:
    try:
        return str(_describe(f, *args, **kwargs))
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _described  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(schemathesis())
