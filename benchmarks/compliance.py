"""Benchmark of the follow-up compliance report (G6, R4).

Seeds N open showroom opportunities (default 200,000) over C consultants (default
200), with bulk SQL inserts, each with A follow-ups (default 10, so 2,000,000
activities): one open, due between five days ago and ten days ahead, and A - 1
done ones over the last nine weeks, some on time and some late. Then measures, on
the same data:

* the naive way: a loop per consultant over their follow-ups, classifying each
  in Python (``_showroom_governed_followups``, ``_showroom_followup_states``);
* the report as the Showroom dashboard reads it: one ``_read_group`` of the
  week's due, on-time, late and missing follow-ups per consultant.

It prints the wall time and the number of SQL queries of both, their ratio, and
checks that both count the same. Run it through
``benchmarks/run compliance [--leads N] [--consultants C] [--per-lead A] [--weeks W]``.
"""

import statistics
from collections import Counter
from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, seed_open_opportunities, superuser_env

SEED_TAG = "bench-compliance"
FIGURES = ("due_count", "on_time_count", "late_count", "missing_count")


def seed_done_followups(env, per_lead, weeks):
    """``per_lead - 1`` done follow-ups on each seeded opportunity, due over the
    last ``weeks`` weeks, done from two days early to three days late (never after
    today); the opportunities registered a week before the first, each one's first done
    follow-up with its hours since. Inserted in the order of their deadlines, as
    they would have been created over the year (a week's follow-ups lie together)."""
    today = env.company._showroom_today()
    env.cr.execute(
        """
        UPDATE crm_lead SET create_date = now() - %(days)s * interval '1 day' - interval '7 days',
                            showroom_registered_at = now() - %(days)s * interval '1 day' - interval '7 days'
         WHERE referred = %(tag)s;
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   date_done, summary, active, automated,
                                   create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead.id, %(type)s, lead.user_id, d.deadline,
               LEAST(d.deadline + (lead.id + k) %% 6 - 2, %(today)s::date), %(tag)s, FALSE, TRUE, now(), now(), 1, 1
          FROM crm_lead lead
    CROSS JOIN generate_series(1, %(done)s) AS k
    CROSS JOIN LATERAL (
               SELECT %(today)s::date - %(days)s + (lead.id * 7 + k * 5 + k * k * 11) %% %(days)s AS deadline
               ) d
         WHERE lead.referred = %(tag)s
      ORDER BY d.deadline;
        UPDATE mail_activity a
           SET showroom_first_followup_hours = (a.date_done - %(today)s::date + %(days)s + 7) * 24
          FROM (SELECT DISTINCT ON (res_id) id FROM mail_activity
                 WHERE summary = %(tag)s AND active IS NOT TRUE ORDER BY res_id, date_done, id) first
         WHERE a.id = first.id;
        """,
        {
            "model_id": env["ir.model"]._get_id("crm.lead"),
            "type": env.ref("crm_showroom.activity_type_followup").id,
            "today": today,
            "done": per_lead - 1,
            "days": weeks * 7,
            "tag": SEED_TAG,
        },
    )
    env.cr.execute("ANALYZE mail_activity")
    return (
        env["mail.activity"]
        .with_context(active_test=False)
        .search_count([("summary", "=", SEED_TAG), ("active", "=", False)])
    )


def naive_figures(env, users, period):
    """What one writes without thinking: per consultant, each follow-up read and
    classified for the week ``period`` (the company's)."""
    Mixin = env["showroom.followup.mixin"]
    Activity = env["mail.activity"].with_context(active_test=False)
    today = env.company._showroom_today()
    monday = today - timedelta(days=today.weekday() + (7 if period == "last_week" else 0))
    figures = Counter()
    for user in users:
        followups = Mixin._showroom_governed_followups(
            Activity.search([("user_id", "=", user.id), *Mixin._showroom_followup_domain()])
        ).filtered(lambda act: not act.showroom_closed_reason)
        states = Mixin._showroom_followup_states(followups)
        for act in followups:
            if act.date_deadline - timedelta(days=act.date_deadline.weekday()) == monday:
                figures[user.id, "due_count"] += 1
                figures[user.id, "missing_count"] += states[act] == "overdue"
            if act.date_done and act.date_done - timedelta(days=act.date_done.weekday()) == monday:
                figures[user.id, "on_time_count" if act.date_done <= act.date_deadline else "late_count"] += 1
    return +figures


def report_figures(env, users, period):
    """The report as the Showroom dashboard's pivot reads it: the week ``period``, per consultant."""
    groups = env["showroom.followup.compliance.report"]._read_group(
        [("period", "=", period), ("user_id", "in", users.ids)],
        ["user_id"],
        [f"{fname}:sum" for fname in FIGURES],
    )
    figures = Counter()
    for user, *values in groups:
        for fname, value in zip(FIGURES, values, strict=True):
            figures[user.id, fname] += value
    return +figures


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--per-lead", type=int, default=10, help="follow-ups per opportunity (one open)")
    parser.add_argument("--weeks", type=int, default=52, help="weeks of done follow-ups")
    parser.add_argument("--period", choices=("last_week", "this_week"), default="last_week")
    parser.add_argument("--runs", type=int, default=5, help="runs of the report (the median is reported)")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        users, total, _gaps = seed_open_opportunities(
            env,
            tag=SEED_TAG,
            team_name="Benchmark Compliance",
            login_prefix="bench_compliance_consultant_",
            consultants=args.consultants,
            leads=args.leads,
            gap_ratio=1 / args.leads if args.leads > 1 else 1,
            deadlines=(-5, 10),
        )
        done = seed_done_followups(env, args.per_lead, args.weeks)
        activities = done + env["mail.activity"].search_count([("summary", "=", SEED_TAG)])
        user_ids = users.ids
        env.cr.commit()
    print(f"seeded {total:,} opportunities of {len(user_ids)} consultants, {activities:,} follow-ups ({done:,} done)")

    with superuser_env(registry) as env:
        naive, naive_time, naive_queries = measure(env, naive_figures, env["res.users"].browse(user_ids), args.period)
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries")

    times, queries = [], []
    with superuser_env(registry) as env:
        for _run in range(args.runs):
            figures, run_time, run_queries = measure(
                env, report_figures, env["res.users"].browse(user_ids), args.period
            )
            times.append(run_time)
            queries.append(run_queries)
    report_time = statistics.median(times)
    print(f"report     : {report_time:8.2f} s  {max(queries):>8,} queries (median of {args.runs} runs)")
    same = figures == naive
    print(
        f"RESULT Follow-up compliance, {args.period.replace('_', ' ')}, for {len(user_ids)} consultants, "
        f"{total:,} opportunities, "
        f"{activities:,} follow-ups: {report_time:.2f} s, {naive_time / report_time:.1f}x faster than the "
        f"per-consultant loop, {max(queries):,} queries vs {naive_queries:,}; same figures: {same} "
        f"({sum(figures.values()):,} counted)"
    )
    if not same:
        raise SystemExit("the report and the naive loop disagree")


if __name__ == "__main__":
    main()
