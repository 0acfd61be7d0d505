"""The Python of scripts/test's processes (odoo-bin, pytest): two fixes of the platform.

This folder is on ``PYTHONPATH`` only in the processes scripts/test runs (its steps'
``CLOCK_ENV``, set by common.sh); ``bin/`` holds the tours' Chromium on the test clock.

1. A working ``time.sleep`` under libfaketime. scripts/test runs Odoo and PostgreSQL
   on a shifted clock with libfaketime and ``FAKETIME_DONT_FAKE_MONOTONIC=1`` (with a
   faked monotonic clock, timed waits hang). libfaketime 0.9.10 (Debian 12) then
   mistranslates an absolute sleep on the monotonic clock as if it were on its faked
   real-time clock, and Python's ``time.sleep`` (``clock_nanosleep(CLOCK_MONOTONIC,
   TIMER_ABSTIME)`` since 3.11) fails with EINVAL. Relative waits are untouched, so
   ``time.sleep`` becomes a ``select`` with a timeout (retried after signals by
   Python, PEP 475).

2. One thread at a time builds Python ASTs, on CPython 3.11 before 3.11.8. There the
   AST constructor keeps its recursion depth in state shared by all threads, and a
   garbage collection inside it can run a finalizer that lets another thread build an
   AST meanwhile: the first then fails with ``SystemError: AST constructor recursion
   depth mismatch`` (CPython gh-106905, fixed in 3.11.8 and 3.12.2; from 3.12 the
   collector no longer runs inside C code). The tours' HTTP server serves the first
   page's requests in parallel threads, and each loads every addon manifest through
   ``ast.literal_eval``: one CI run lost Odoo's crm tour that way. ``ast.parse`` (which
   ``literal_eval`` calls) takes a re-entrant lock; a finalizer building an AST on the
   same thread is let through. tests/test_testenv.py shows the failure and the fix.
"""

import ast
import functools
import os
import select
import sys
import threading
import time

if os.environ.get("FAKETIME") and os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":

    def _sleep(seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        select.select([], [], [], seconds)

    time.sleep = _sleep

if (3, 11) <= sys.version_info[:3] < (3, 11, 8):
    _ast_lock = threading.RLock()
    _ast_parse = ast.parse

    @functools.wraps(_ast_parse)
    def _parse_alone(*args, **kwargs):
        with _ast_lock:
            return _ast_parse(*args, **kwargs)

    ast.parse = _parse_alone
