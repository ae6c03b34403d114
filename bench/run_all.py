"""Run every benchmark in bench/ one after another (what `make bench` calls)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    scripts = sorted(
        p
        for p in HERE.glob("*.py")
        if p.name not in {"run_all.py", "common.py"} and not p.name.startswith("_")
    )
    failed = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        failed += (
            subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False).returncode
            != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
