"""Python under libfaketime (scripts/test's clocks): a working ``time.sleep``.

scripts/test runs Odoo and PostgreSQL on a shifted clock with libfaketime and
``FAKETIME_DONT_FAKE_MONOTONIC=1`` (with a faked monotonic clock, timed waits hang).
libfaketime 0.9.10 (Debian 12) then mistranslates an absolute sleep on the
monotonic clock as if it were on its faked real-time clock, and Python's
``time.sleep`` (``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`` since 3.11)
fails with EINVAL. Relative waits are untouched, so ``time.sleep`` becomes a
``select`` with a timeout (retried after signals by Python, PEP 475). This folder
is on ``PYTHONPATH`` only in the processes scripts/test runs on a test clock.
"""

import os
import select
import time

if os.environ.get("FAKETIME") and os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":

    def _sleep(seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        select.select([], [], [], seconds)

    time.sleep = _sleep
