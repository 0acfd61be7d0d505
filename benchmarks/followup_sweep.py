"""Benchmark of the nightly follow-up sweep (issue 2, R4.1).

Seeds N open showroom opportunities (default 100,000; 10% of them without an
open follow-up) with bulk SQL inserts, then measures on the same data:

* the naive way: a loop over the open opportunities, one search per opportunity
  for an open follow-up, one create per gap (rolled back afterwards);
* ``crm.lead._cron_showroom_followup_sweep()``, batched.

It prints the wall time and the number of SQL queries of both, and their ratio.
Run it through ``benchmarks/run followup_sweep [--leads N]``.
"""

import argparse

from _measure import measure

import odoo
from odoo import api, fields
from odoo.modules.registry import Registry

SEED_TAG = "bench-sweep"


def seed(env, leads, gap_ratio):
    """Bulk-insert ``leads`` open showroom opportunities; all but ``gap_ratio`` of
    them get an open follow-up. Previous seeds are removed first."""
    cr = env.cr
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND summary = %s", [SEED_TAG])
    cr.execute("DELETE FROM crm_lead WHERE referred = %s", [SEED_TAG])
    team = env["crm.team"].search([("name", "=", "Benchmark Showroom")], limit=1) or env["crm.team"].create(
        {"name": "Benchmark Showroom", "is_showroom": True}
    )
    users = env["res.users"].search([("login", "like", "bench_consultant_%")])
    for i in range(len(users), 10):
        users |= env["res.users"].create({"name": f"Bench Consultant {i}", "login": f"bench_consultant_{i}"})
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
               %(company)s, 10, (%(grades)s)[1 + n %% %(ngrades)s], 'Customer ' || n,
               '+86 138 ' || lpad((n %% 10000)::text, 4, '0') || ' ' || lpad((n / 10000)::text, 4, '0'),
               %(tag)s, now(), now(), 1, 1, now(), 'none'
          FROM generate_series(1, %(leads)s) AS n
        RETURNING id, user_id
        """,
        {
            "team": team.id, "users": users.ids, "nusers": len(users), "stage": stage.id,
            "company": env.company.id, "grades": grades.ids, "ngrades": len(grades), "tag": SEED_TAG,
            "leads": leads,
        },
    )
    rows = cr.fetchall()
    every = round(1 / gap_ratio)
    covered = [(lead_id, user_id) for index, (lead_id, user_id) in enumerate(rows) if index % every]
    today = fields.Date.context_today(env["crm.lead"])
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead_id, %(type)s, user_id, %(deadline)s, %(tag)s, TRUE, TRUE,
               now(), now(), 1, 1
          FROM unnest(%(lead_ids)s::int[], %(user_ids)s::int[]) AS t(lead_id, user_id)
        """,
        {
            "model_id": model_id, "type": followup_type.id, "deadline": today, "tag": SEED_TAG,
            "lead_ids": [row[0] for row in covered], "user_ids": [row[1] for row in covered],
        },
    )
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE mail_activity")
    return len(rows), len(rows) - len(covered)


def naive_sweep(env):
    """What one writes without thinking: a search per opportunity."""
    Lead = env["crm.lead"]
    Activity = env["mail.activity"]
    followup_type = env.ref("crm_showroom.activity_type_followup")
    today = fields.Date.context_today(Lead)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--gap-ratio", type=float, default=0.10)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    registry = Registry(args.database)

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        total, gaps = seed(env, args.leads, args.gap_ratio)
        cr.commit()
    print(f"seeded {total:,} open showroom opportunities, {gaps:,} without a follow-up")

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        naive_fixed, naive_time, naive_queries = measure(env, naive_sweep)
        cr.rollback()
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries  fixed {naive_fixed:,}")

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        fixed, sweep_time, sweep_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_followup_sweep())
        cr.commit()
    print(f"sweep      : {sweep_time:8.2f} s  {sweep_queries:>8,} queries  fixed {fixed:,}")

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        _again, again_time, again_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_followup_sweep())
    print(f"second run : {again_time:8.2f} s  {again_queries:>8,} queries  fixed {_again:,} (idempotent)")
    print(
        f"RESULT sweep of {total:,} opportunities: {sweep_time:.2f} s (target < 60 s), "
        f"{naive_time / sweep_time:.1f}x faster than the naive loop (target >= 10x), "
        f"{sweep_queries:,} queries vs {naive_queries:,}"
    )


if __name__ == "__main__":
    main()
