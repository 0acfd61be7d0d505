"""What the benchmarks share: their command line and database, measuring one
side, and seeding open showroom opportunities with their follow-ups in bulk SQL."""

import argparse
import time
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def benchmark_parser(doc):
    """An argument parser described by the first line of ``doc`` (the benchmark's
    docstring) with the required ``--database``; the benchmark adds its own
    arguments (sizes, runs) before calling ``open_registry``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database", required=True)
    return parser


def open_registry(parser):
    """Parse the benchmark's arguments, hand the others (Odoo's options that
    ``benchmarks/run`` passes: --addons-path, --data-dir, --db_host…, --log-level)
    to Odoo's configuration and load the registry of ``--database``. Returns
    ``(args, registry)``."""
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    return args, Registry(args.database)


@contextmanager
def superuser_env(registry, context=None):
    """A superuser environment with ``context`` on a new cursor of ``registry``,
    closed at the end of the block. As ``registry.cursor()``'s own block does, the
    cursor commits what is left when the block ends without an exception; each
    benchmark still commits or rolls back its side explicitly (``env.cr``)."""
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})


def measure(env, func, *args):
    """Run ``func(env, *args)`` with empty caches and its writes flushed; return
    ``(result, seconds, queries)``."""
    env.invalidate_all()
    queries_before = env.cr.sql_log_count
    start = time.perf_counter()
    result = func(env, *args)
    env.flush_all()
    return result, time.perf_counter() - start, env.cr.sql_log_count - queries_before


def seed_open_opportunities(env, *, tag, team_name, login_prefix, consultants, leads, gap_ratio, deadlines=(0, 0)):
    """Bulk-insert ``leads`` open opportunities of a showroom team ``team_name``,
    spread over ``consultants`` users (``login_prefix`` + n, in Shanghai), each
    consultant having every grade; all but ``gap_ratio`` of them get an open
    follow-up due between ``deadlines`` days from today (the company's showroom
    day). The previous seed of ``tag`` is removed first. Returns ``(users,
    opportunities, opportunities without a follow-up)``."""
    cr = env.cr
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND summary = %s", [tag])
    cr.execute("DELETE FROM crm_lead WHERE referred = %s", [tag])
    team = env["crm.team"].search([("name", "=", team_name)], limit=1) or env["crm.team"].create(
        {"name": team_name, "is_showroom": True}
    )
    users = env["res.users"].search([("login", "like", f"{login_prefix}%")], order="id")
    users |= env["res.users"].create(
        [
            {"name": f"Bench Consultant {i}", "login": f"{login_prefix}{i}", "tz": "Asia/Shanghai"}
            for i in range(len(users), consultants)
        ]
    )
    users = users[:consultants]
    stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    grades = env["showroom.grade"].search([])
    env.flush_all()
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id, company_id, probability,
                              showroom_grade_id, contact_name, mobile, referred, create_date, write_date,
                              create_uid, write_uid, date_open, showroom_test_drive, showroom_lost_request_state)
        SELECT 'Bench lead ' || n, 'opportunity', TRUE, %(team)s, (%(users)s)[1 + n %% %(nusers)s], %(stage)s,
               %(company)s, 10, (%(grades)s)[1 + (n / %(nusers)s) %% %(ngrades)s], 'Customer ' || n,
               '+86 138 ' || lpad((n %% 10000)::text, 4, '0') || ' ' || lpad((n / 10000)::text, 4, '0'),
               %(tag)s, now(), now(), 1, 1, now(), 'none', 'none'
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
            "tag": tag,
            "leads": leads,
        },
    )
    rows = cr.fetchall()
    every = round(1 / gap_ratio)
    covered = [(lead_id, user_id) for index, (lead_id, user_id) in enumerate(rows) if index % every]
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead_id, %(type)s, user_id,
               %(today)s::date + %(first)s + (lead_id %% %(span)s), %(tag)s, TRUE, TRUE, now(), now(), 1, 1
          FROM unnest(%(lead_ids)s::int[], %(user_ids)s::int[]) AS t(lead_id, user_id)
        """,
        {
            "model_id": env["ir.model"]._get_id("crm.lead"),
            "type": env.ref("crm_showroom.activity_type_followup").id,
            "today": env.company._showroom_today(),
            "first": deadlines[0],
            "span": deadlines[1] - deadlines[0] + 1,
            "tag": tag,
            "lead_ids": [row[0] for row in covered],
            "user_ids": [row[1] for row in covered],
        },
    )
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE mail_activity")
    return users, len(rows), len(rows) - len(covered)
