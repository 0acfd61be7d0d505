"""Benchmark of a day of visit cards entered at once (issue 9, R2.1, R8.1).

Seeds N open showroom opportunities (default 100,000) over C consultants (default
200) as ``team_followups`` does, then enters V visit cards (default 5,000; 80% of
returning customers, whose card finds their opportunity by mobile, 20% new ones),
as an import does, and measures on the same values:

* the naive way: one ``create`` per card (each looks its opportunity up alone);
* ``showroom.visit.create`` of the whole list (one lookup for all the cards).

Both are rolled back. It prints the wall time and the number of SQL queries of
both, their ratio, and checks that both link the same cards. Run it through
``benchmarks/run visit_cards [--leads N] [--consultants C] [--visits V]``.
"""

import time

from _common import benchmark_parser, open_registry, seed_open_opportunities, superuser_env
from team_followups import SEED_TAG


def visit_values(env, visits):
    """Cards of a day: most for open opportunities (their mobile and consultant),
    every fifth for a new customer."""
    env.cr.execute(
        "SELECT mobile, user_id, contact_name FROM crm_lead WHERE referred = %s ORDER BY id LIMIT %s",
        [SEED_TAG, visits],
    )
    values = []
    for index, (mobile, user_id, name) in enumerate(env.cr.fetchall()):
        if index % 5 == 4:
            mobile, name = f"+86 137 {index % 10000:04d} {index // 10000:04d}", f"New customer {index}"
        values.append({"partner_name": name, "mobile": mobile, "user_id": user_id, "date_in": "2026-03-10 02:00:00"})
    return values


def naive_create(env, vals_list):
    Visit = env["showroom.visit"]
    visits = Visit.concat(*(Visit.create(vals) for vals in vals_list))
    env.flush_all()
    return visits


def batch_create(env, vals_list):
    visits = env["showroom.visit"].create(vals_list)
    env.flush_all()
    return visits


def measure(env, func, vals_list):
    env.invalidate_all()
    queries_before = env.cr.sql_log_count
    start = time.perf_counter()
    visits = func(env, vals_list)
    elapsed = time.perf_counter() - start
    linked = sorted((visit.partner_name, visit.lead_id.id) for visit in visits)
    return linked, elapsed, env.cr.sql_log_count - queries_before


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--visits", type=int, default=5_000)
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        _users, total, _gaps = seed_open_opportunities(
            env,
            tag=SEED_TAG,
            team_name="Benchmark Team Follow-ups",
            login_prefix="bench_team_consultant_",
            consultants=args.consultants,
            leads=args.leads,
            gap_ratio=0.1,
            deadlines=(-5, 10),
        )
        env.cr.commit()
    print(f"seeded {total:,} open showroom opportunities of {args.consultants} consultants")

    results = {}
    for label, func in (("naive loop", naive_create), ("batch", batch_create)):
        with superuser_env(registry) as env:
            vals_list = visit_values(env, args.visits)
            results[label] = measure(env, func, vals_list)
            env.cr.rollback()
        linked, elapsed, queries = results[label]
        print(
            f"{label:<11}: {elapsed:8.2f} s  {queries:>8,} queries  "
            f"{sum(1 for _name, lead in linked if lead):,} of {len(linked):,} cards linked"
        )
    naive_linked, naive_time, naive_queries = results["naive loop"]
    linked, batch_time, batch_queries = results["batch"]
    print(
        f"RESULT {len(linked):,} visit cards entered at once: {batch_time:.2f} s, "
        f"{naive_time / batch_time:.1f}x faster than one create per card, {batch_queries:,} queries vs "
        f"{naive_queries:,}; same links: {linked == naive_linked}"
    )
    if linked != naive_linked:
        raise SystemExit("the batch and the naive loop disagree")


if __name__ == "__main__":
    main()
