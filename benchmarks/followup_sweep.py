"""Benchmark of the nightly follow-up sweep (issue 2, R4.1).

Seeds N open showroom opportunities (default 100,000; 10% of them without an
open follow-up) with bulk SQL inserts, then measures on the same data:

* the naive way: a loop over the open opportunities, one search per opportunity
  for an open follow-up, one create per gap (rolled back afterwards);
* ``crm.lead._cron_showroom_followup_sweep()``, batched.

It prints the wall time and the number of SQL queries of both, and their ratio.
Run it through ``benchmarks/run followup_sweep [--leads N]``.
"""

from _common import benchmark_parser, measure, open_registry, seed_open_opportunities, superuser_env

SEED_TAG = "bench-sweep"


def naive_sweep(env):
    """What one writes without thinking: a search per opportunity."""
    Lead = env["crm.lead"]
    Activity = env["mail.activity"]
    followup_type = env.ref("crm_showroom.activity_type_followup")
    today = env.company._showroom_today()
    fixed = 0
    for lead in Lead.search(Lead._showroom_open_domain()):
        has_followup = Activity.search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("activity_type_id", "=", followup_type.id)]
        )
        if not has_followup:
            lead.activity_schedule(
                "crm_showroom.activity_type_followup", date_deadline=today, user_id=lead.user_id.id or env.uid
            )
            fixed += 1
    env.flush_all()
    return fixed


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--gap-ratio", type=float, default=0.10)
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        _users, total, gaps = seed_open_opportunities(
            env,
            tag=SEED_TAG,
            team_name="Benchmark Showroom",
            login_prefix="bench_consultant_",
            consultants=10,
            leads=args.leads,
            gap_ratio=args.gap_ratio,
        )
        env.cr.commit()
    print(f"seeded {total:,} open showroom opportunities, {gaps:,} without a follow-up")

    with superuser_env(registry) as env:
        naive_fixed, naive_time, naive_queries = measure(env, naive_sweep)
        env.cr.rollback()
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries  fixed {naive_fixed:,}")

    with superuser_env(registry) as env:
        fixed, sweep_time, sweep_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_followup_sweep())
        env.cr.commit()
    print(f"sweep      : {sweep_time:8.2f} s  {sweep_queries:>8,} queries  fixed {fixed:,}")

    with superuser_env(registry) as env:
        _again, again_time, again_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_followup_sweep())
    print(f"second run : {again_time:8.2f} s  {again_queries:>8,} queries  fixed {_again:,} (idempotent)")
    print(
        f"RESULT sweep of {total:,} opportunities: {sweep_time:.2f} s (target < 60 s), "
        f"{naive_time / sweep_time:.1f}x faster than the naive loop (target >= 10x), "
        f"{sweep_queries:,} queries vs {naive_queries:,}"
    )


if __name__ == "__main__":
    main()
