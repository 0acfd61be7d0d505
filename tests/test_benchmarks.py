"""The benchmarks of benchmarks/ start: each imports what it uses and reads its
command line (``--help``), with the project's Python (fast). They run against
databases only through ``benchmarks/run``, by hand; this catches one that no
longer starts (visit_cards imported a seed that had moved to _common)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(path for path in BENCHMARKS.glob("*.py") if not path.name.startswith("_"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_benchmark_starts(script):
    result = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "--database" in result.stdout
