"""scripts/testenv/sitecustomize.py, the Python of scripts/test's processes (fast)."""

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TESTENV = TESTS.parent / "scripts" / "testenv"
AFFECTED = (3, 11) <= sys.version_info[:3] < (3, 11, 8)


def run_probe(pythonpath):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run(
        [sys.executable, str(TESTS / "ast_threads_probe.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_threads_build_asts_without_the_recursion_depth_error():
    """With scripts/testenv, two threads build ASTs at once without an error; on a
    Python with the bug, the same probe fails without it (so the probe reaches it)."""
    assert run_probe(TESTENV) == "ok"
    if AFFECTED:
        assert "AST constructor recursion depth mismatch" in run_probe(None)
