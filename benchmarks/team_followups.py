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

import argparse
import statistics
from collections import Counter

from _measure import measure

import odoo
from odoo import api
from odoo.modules.registry import Registry

SEED_TAG = "bench-team-followups"


def seed(env, leads, consultants, gap_ratio):
    """Bulk-insert ``leads`` open showroom opportunities of ``consultants`` users;
    all but ``gap_ratio`` of them get an open follow-up. Previous seeds are removed
    first."""
    cr = env.cr
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND summary = %s", [SEED_TAG])
    cr.execute("DELETE FROM crm_lead WHERE referred = %s", [SEED_TAG])
    team = env["crm.team"].search([("name", "=", "Benchmark Team Follow-ups")], limit=1) or env["crm.team"].create(
        {"name": "Benchmark Team Follow-ups", "is_showroom": True}
    )
    users = env["res.users"].search([("login", "like", "bench_team_consultant_%")], order="id")
    users |= env["res.users"].create(
        [
            {"name": f"Bench Team Consultant {i}", "login": f"bench_team_consultant_{i}", "tz": "Asia/Shanghai"}
            for i in range(len(users), consultants)
        ]
    )
    users = users[:consultants]
    stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    grades = env["showroom.grade"].search([])
    followup_type = env.ref("crm_showroom.activity_type_followup")
    model_id = env["ir.model"]._get_id("crm.lead")
    env.flush_all()
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id, company_id, probability,
                              showroom_grade_id, contact_name, mobile, referred, create_date, write_date,
                              create_uid, write_uid, date_open, showroom_test_drive)
        SELECT 'Bench lead ' || n, 'opportunity', TRUE, %(team)s, (%(users)s)[1 + n %% %(nusers)s], %(stage)s,
               %(company)s, 10, (%(grades)s)[1 + (n / %(nusers)s) %% %(ngrades)s], 'Customer ' || n,
               '+86 139 ' || lpad((n %% 10000)::text, 4, '0') || ' ' || lpad((n / 10000)::text, 4, '0'),
               %(tag)s, now(), now(), 1, 1, now(), 'none'
          FROM generate_series(1, %(leads)s) AS n
        RETURNING id, user_id
        """,
        {
            "team": team.id,
            "users": users.ids,
            "nusers": len(users),
            "stage": stage.id,
            "company": env.company.id,
            "grades": grades.ids,
            "ngrades": len(grades),
            "tag": SEED_TAG,
            "leads": leads,
        },
    )
    rows = cr.fetchall()
    every = round(1 / gap_ratio)
    covered = [(lead_id, user_id) for index, (lead_id, user_id) in enumerate(rows) if index % every]
    today = env.company._showroom_today()
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead_id, %(type)s, user_id, %(today)s::date + (lead_id %% 16) - 5,
               %(tag)s, TRUE, TRUE, now(), now(), 1, 1
          FROM unnest(%(lead_ids)s::int[], %(user_ids)s::int[]) AS t(lead_id, user_id)
        """,
        {
            "model_id": model_id,
            "type": followup_type.id,
            "today": today,
            "tag": SEED_TAG,
            "lead_ids": [row[0] for row in covered],
            "user_ids": [row[1] for row in covered],
        },
    )
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE mail_activity")
    return users, len(rows), len(rows) - len(covered)


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--gap-ratio", type=float, default=0.10)
    parser.add_argument("--runs", type=int, default=5, help="runs of the dashboard (the median is reported)")
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    registry = Registry(args.database)

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        users, total, gaps = seed(env, args.leads, args.consultants, args.gap_ratio)
        user_ids = users.ids
        cr.commit()
    print(f"seeded {total:,} open showroom opportunities of {len(user_ids)} consultants, {gaps:,} without a follow-up")

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        naive, naive_time, naive_queries = measure(env, naive_figures, env["res.users"].browse(user_ids))
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries")

    times, queries = [], []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
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
