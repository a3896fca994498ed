"""Run every speed benchmark in bench/, one after the other, each in its own process.

Exit code 1 if any benchmark exited non-zero: one of its accuracy or agreement
checks failed, or it crashed. A missed speed target does not change the exit
code; read the printed verdicts.

Run: python bench/run_all.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = ["train_step.py", "adam_epoch.py", "gradient_check.py", "import_time.py"]


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in BENCHMARKS:
        print(f"=== python bench/{name}", flush=True)
        code = subprocess.run([sys.executable, str(here / name)]).returncode
        if code != 0:
            failed.append(f"{name} (exit code {code})")
        print(flush=True)
    if failed:
        print(f"failed (a check failed or the script crashed): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
