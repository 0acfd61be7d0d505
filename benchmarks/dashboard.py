"""Benchmark of the Showroom dashboard (G6): each live pivot of
``crm_showroom.spreadsheet_dashboard_showroom`` read as the spreadsheet reads it.

Runs on the data another benchmark seeded and kept: ``crm_showroom_bench_reports``
(``benchmarks/run reports``: 200,000 showroom opportunities, 2,000,000 activities, a
tenth with a confirmed contract) or ``crm_showroom_bench_compliance``
(``benchmarks/run compliance``: a year of 200 consultants' follow-ups). For each pivot of the
dashboard's JSON (its model, domain, rows and measures), it measures:

* the pivot's ``read_group``, as a manager (median of ``--runs``);
* the naive way: the records of the pivot's domain searched, read and summed by
  row in a Python loop.

It prints both times, their ratio and whether they give the same figures. Run it
on seeded data: ``CRM_SHOWROOM_BENCH_DB=crm_showroom_bench_reports benchmarks/run
dashboard [--runs N]``, then with ``crm_showroom_bench_compliance``.
"""

import json
import statistics
from collections import defaultdict

from _common import benchmark_parser, measure, open_registry, superuser_env


def read_pivot(env, pivot):
    """The pivot's figures as the spreadsheet reads them: ``{row: (measures…)}``."""
    Model = env[pivot["model"]]
    groupby = [row["fieldName"] for row in pivot["rows"]]
    aggregates = [
        "__count" if m["fieldName"] == "__count" else f"{m['fieldName']}:{Model._fields[m['fieldName']].aggregator}"
        for m in pivot["measures"]
    ]
    groups = Model._read_group(pivot["domain"], groupby, aggregates)
    return {
        tuple(getattr(value, "id", value) or None for value in group[: len(groupby)]): tuple(
            round(value or 0, 2) for value in group[len(groupby) :]
        )
        for group in groups
    }


def loop_pivot(env, pivot):
    """The same figures by a Python loop over the records of the pivot's domain."""
    Model = env[pivot["model"]]
    groupby = [row["fieldName"] for row in pivot["rows"]]
    fields = [m["fieldName"] for m in pivot["measures"] if m["fieldName"] != "__count"]
    totals = defaultdict(lambda: [0] * len(pivot["measures"]))
    for values in Model.search(pivot["domain"]).read(groupby + fields, load=None):
        key = tuple(values[fname] or None for fname in groupby)
        row = totals[key]
        for index, m in enumerate(pivot["measures"]):
            row[index] += 1 if m["fieldName"] == "__count" else (values[m["fieldName"]] or 0)
    return {
        tuple(value or None for value in key): tuple(round(value, 2) for value in row) for key, row in totals.items()
    }


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each pivot's read (the median is reported)")
    args, registry = open_registry(parser)
    with superuser_env(registry) as env:
        dashboard = env.ref("crm_showroom.spreadsheet_dashboard_showroom")
        pivots = json.loads(dashboard.spreadsheet_data)["pivots"]
        managers = env.ref("crm_showroom.group_showroom_manager").users
        manager = managers.filtered(lambda user: not user.share).sorted("id")[:1]
        counts = {
            name: env[name].with_context(active_test=False).search_count([]) for name in ("crm.lead", "mail.activity")
        }
        print(f"data: {counts['crm.lead']:,} opportunities, {counts['mail.activity']:,} activities; as {manager.login}")
        slowest = 0.0
        for pivot_id, pivot in sorted(pivots.items()):
            as_manager = env(user=manager)
            times = []
            for _run in range(args.runs):
                figures, seconds, queries = measure(as_manager, read_pivot, pivot)
                times.append(seconds)
            looped, loop_seconds, loop_queries = measure(as_manager, loop_pivot, pivot)
            median = statistics.median(times)
            slowest = max(slowest, median)
            same = {key: value for key, value in figures.items() if any(value)} == {
                key: value for key, value in looped.items() if any(value)
            }
            print(
                f"pivot {pivot_id} {pivot['name'][:40]:40} read_group {median:6.3f} s {queries:3} queries; "
                f"loop {loop_seconds:7.2f} s {loop_queries:6,} queries: {loop_seconds / median:6.1f}x; "
                f"{len(figures)} rows, same figures: {same}"
            )
        print(f"RESULT Showroom dashboard: slowest pivot {slowest:.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
