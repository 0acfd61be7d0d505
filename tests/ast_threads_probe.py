"""Two threads build Python ASTs at once, as the tours' HTTP server threads do when
they load the addons' manifests (scripts/testenv/sitecustomize.py). Prints what the
constructions raised, one line each ("ok" when nothing did).

A garbage collection inside thread A's construction runs a finalizer that lets
thread B start its own; a collection inside B's lets A finish. On CPython 3.11
before 3.11.8 (gh-106905) A then fails with "AST constructor recursion depth
mismatch". With scripts/testenv's lock, B waits for A: the finalizers' waits are
bounded, so the probe ends either way.
"""

import ast
import gc
import threading
import time

SOURCE = "x = [" + ", ".join(f"({i}, {{'a': [{i}]}})" for i in range(2000)) + "]"
WAIT = 1.0
errors = []
b_may_start = threading.Event()
a_may_finish = threading.Event()


class Pause:
    """Cyclic garbage: the collector, not reference counting, runs its finalizer."""

    def __init__(self, action):
        self.action = action
        self.cycle = self

    def __del__(self):
        self.action()


def pause_a():
    b_may_start.set()
    a_may_finish.wait(WAIT)


def pause_b():
    a_may_finish.set()
    time.sleep(WAIT / 2)


def build(pause):
    Pause(pause)
    try:
        ast.parse(SOURCE)
    except SystemError as exc:
        errors.append(f"SystemError: {exc}")


gc.collect()
gc.set_threshold(50)
thread_a = threading.Thread(target=build, args=(pause_a,))
thread_a.start()
b_may_start.wait(WAIT)
thread_b = threading.Thread(target=build, args=(pause_b,))
thread_b.start()
thread_a.join()
thread_b.join()
print("\n".join(errors) or "ok")
