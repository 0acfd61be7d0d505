"""Two threads build Python ASTs at once, as the tours' HTTP server threads do when
they load the addons' manifests (scripts/testenv/sitecustomize.py). Prints what the
constructions raised, one line each ("ok" when nothing did).

A garbage collection inside thread A's AST construction runs a finalizer that waits
for thread B to build an AST of its own. On CPython 3.11 before 3.11.8 (gh-106905)
B's construction resets the recursion depth A's was counting, and A then fails with
"AST constructor recursion depth mismatch". With scripts/testenv's lock B waits for
A instead, and A's wait ends after ``WAIT`` seconds.
"""

import ast
import gc
import threading

SOURCE = "x = [" + ", ".join(f"({i}, {{'a': [{i}]}})" for i in range(2000)) + "]"
WAIT = 2.0
errors = []
a_paused = threading.Event()
b_built = threading.Event()


class PauseA:
    """Cyclic garbage: the collector, not reference counting, runs its finalizer,
    inside the construction of A's AST (the first allocations that trigger one)."""

    def __init__(self):
        self.cycle = self

    def __del__(self):
        a_paused.set()
        b_built.wait(WAIT)


def build(garbage=False, after=None):
    if garbage:
        PauseA()
    try:
        ast.parse(SOURCE)
    except SystemError as exc:
        errors.append(f"SystemError: {exc}")
    if after:
        after.set()


gc.collect()
gc.set_threshold(50)
thread_a = threading.Thread(target=build, args=(True,))
thread_a.start()
a_paused.wait(WAIT)
thread_b = threading.Thread(target=build, args=(False, b_built))
thread_b.start()
thread_a.join()
thread_b.join()
print("\n".join(errors) or "ok")
