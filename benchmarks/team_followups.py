"""Benchmark of the managers' Team Follow-ups dashboard (issue 9, R4.1, R4.2, R8).

Seeds N open showroom opportunities (default 100,000) over C consultants (default
200) in every grade, with bulk SQL inserts: 90% have an open follow-up due between
five days ago and ten days ahead, 10% have none. Then measures, on the same data:

* the naive way: a loop per consultant over their open opportunities, reading each
  one's follow-up state (``crm.lead.showroom_followup_state``) and grade;
* the dashboard, ``showroom.followup.dashboard`` read as its list view reads it.

It prints the wall time and the number of SQL queries of both, their ratio, and
checks that both count the same. Run it through
``benchmarks/run team_followups [--leads N] [--consultants C]``.
"""

import statistics
from collections import Counter

from _common import benchmark_parser, measure, open_registry, seed_open_opportunities, superuser_env

SEED_TAG = "bench-team-followups"


def naive_figures(env, users):
    """What one writes without thinking: per consultant, each open opportunity's
    follow-up state, counted by grade."""
    Lead = env["crm.lead"]
    figures = Counter()
    for user in users:
        for lead in Lead.search([*Lead._showroom_open_domain(), ("user_id", "=", user.id)]):
            state = lead.showroom_followup_state
            if state == "none":
                figures[user.id, lead.showroom_grade_id.id, "missing"] += 1
            elif state in ("today", "overdue"):
                figures[user.id, lead.showroom_grade_id.id, state] += 1
    return figures


def dashboard_figures(env, users):
    """The dashboard as its list view reads it (the seeded consultants' rows)."""
    rows = env["showroom.followup.dashboard"].search_read(
        [("user_id", "in", users.ids)], ["user_id", "grade_id", "today_count", "overdue_count", "missing_count"]
    )
    figures = Counter()
    for row in rows:
        key = (row["user_id"][0], row["grade_id"] and row["grade_id"][0])
        for state in ("today", "overdue", "missing"):
            if row[f"{state}_count"]:
                figures[(*key, state)] += row[f"{state}_count"]
    return figures


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--gap-ratio", type=float, default=0.10)
    parser.add_argument("--runs", type=int, default=5, help="runs of the dashboard (the median is reported)")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        users, total, gaps = seed_open_opportunities(
            env,
            tag=SEED_TAG,
            team_name="Benchmark Team Follow-ups",
            login_prefix="bench_team_consultant_",
            consultants=args.consultants,
            leads=args.leads,
            gap_ratio=args.gap_ratio,
            deadlines=(-5, 10),
        )
        user_ids = users.ids
        env.cr.commit()
    print(f"seeded {total:,} open showroom opportunities of {len(user_ids)} consultants, {gaps:,} without a follow-up")

    with superuser_env(registry) as env:
        naive, naive_time, naive_queries = measure(env, naive_figures, env["res.users"].browse(user_ids))
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries")

    times, queries = [], []
    with superuser_env(registry) as env:
        for _run in range(args.runs):
            figures, run_time, run_queries = measure(env, dashboard_figures, env["res.users"].browse(user_ids))
            times.append(run_time)
            queries.append(run_queries)
    dashboard_time = statistics.median(times)
    print(f"dashboard  : {dashboard_time:8.2f} s  {max(queries):>8,} queries (median of {args.runs} runs)")
    same = figures == naive
    print(
        f"RESULT Team Follow-ups for {len(user_ids)} consultants, {total:,} opportunities: {dashboard_time:.2f} s, "
        f"{naive_time / dashboard_time:.1f}x faster than the per-consultant loop, {max(queries):,} queries vs "
        f"{naive_queries:,}; same figures: {same} ({sum(figures.values()):,} counted)"
    )
    if not same:
        raise SystemExit("the dashboard and the naive loop disagree")


if __name__ == "__main__":
    main()
