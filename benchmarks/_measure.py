"""What every benchmark measures of one side: wall time and queries, caches cold."""

import time


def measure(env, func, *args):
    """Run ``func(env, *args)`` with empty caches and its writes flushed; return
    ``(result, seconds, queries)``."""
    env.invalidate_all()
    queries_before = env.cr.sql_log_count
    start = time.perf_counter()
    result = func(env, *args)
    env.flush_all()
    return result, time.perf_counter() - start, env.cr.sql_log_count - queries_before
