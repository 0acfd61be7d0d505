"""Benchmark of the daily inspection (issue 9, R8.1, R8.2).

Seeds, with bulk SQL inserts (``INSERT ... SELECT generate_series``), C showroom
consultants (default 200) with N open showroom opportunities (default 200,000)
and A follow-up activities (default 2,000,000: per opportunity one open follow-up
— 2% of the opportunities have none, 3% are due on the inspected day — and the
rest done over the last 90 days, with the customer's feedback except 1% of them)
and V visit cards on the inspected day (default 5,000; 80% matching their
opportunity). Then it measures, on the same data:

* ``showroom.inspection._cron_daily_inspection()``: set-based SQL detectors by
  batches of 50 consultants (committed: the second run shows idempotence);
* the naive way: a per-consultant ORM loop (search the consultant's
  opportunities, activities and visits, check each rule in Python, search for an
  existing fine before creating one), rolled back. It is measured on a sample of
  consultants (``--naive-sample``, default 20) and scaled to all of them (its
  cost is linear in the number of consultants, each having the same data).

It prints the wall time and the SQL queries of both, the queries per batch, and
the ratio. Run it through ``benchmarks/run daily_inspection [--consultants C]``.
"""

import time
from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, superuser_env

from odoo import Command

SEED_TAG = "bench-inspection"


def seed(env, consultants, leads, activities, visits, reuse=False):
    """Bulk-insert the data; previous seeds (and their sheets and fines) are removed
    first. ``reuse``: keep the previous seed, remove only its sheets and fines."""
    cr = env.cr
    users = env["res.users"].search([("login", "like", "bench_inspection_%")], order="id")
    consultant_group = env.ref("crm_showroom.group_showroom_consultant")
    if len(users) < consultants:
        users |= env["res.users"].create(
            [
                {
                    "name": f"Bench Inspection Consultant {i}",
                    "login": f"bench_inspection_{i}",
                    "tz": "Asia/Shanghai",
                    "groups_id": [Command.link(consultant_group.id)],
                }
                for i in range(len(users), consultants)
            ]
        )
    users = users[:consultants]
    # one consultant's yesterday for all (they share the time zone)
    day = env["res.company"]._showroom_today(users[0]) - timedelta(days=1)
    env.flush_all()
    cr.execute("DELETE FROM showroom_fine WHERE user_id = ANY(%s)", [users.ids])
    cr.execute("DELETE FROM showroom_inspection WHERE user_id = ANY(%s)", [users.ids])
    cr.execute("SELECT count(*) FROM mail_activity WHERE summary = %s", [SEED_TAG])
    if reuse and cr.fetchone()[0]:
        cr.execute("SELECT count(*) FROM mail_activity WHERE summary = %s", [SEED_TAG])
        return users, day, cr.fetchone()[0]
    cr.execute("DELETE FROM showroom_visit WHERE note = %s", [SEED_TAG])
    cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND summary = %s", [SEED_TAG])
    cr.execute("DELETE FROM crm_lead WHERE referred = %s", [SEED_TAG])
    team = env["crm.team"].search([("name", "=", "Benchmark Inspection Showroom")], limit=1) or env["crm.team"].create(
        {"name": "Benchmark Inspection Showroom", "is_showroom": True}
    )
    stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    grade = env.ref("crm_showroom.grade_a")
    followup_type = env.ref("crm_showroom.activity_type_followup")
    reason = env.ref("crm_showroom.feedback_reason_price_drop")
    model_id = env["ir.model"]._get_id("crm.lead")
    from odoo.addons.crm_showroom.tools.showroom_day import day_bounds_utc  # noqa: PLC0415 - addons path set by now

    start, _end = day_bounds_utc(day, "Asia/Shanghai")
    params = {
        "team": team.id,
        "users": users.ids,
        "nusers": len(users),
        "stage": stage.id,
        "company": env.company.id,
        "grade": grade.id,
        "tag": SEED_TAG,
        "leads": leads,
        "type": followup_type.id,
        "model_id": model_id,
        "day": day,
        "day_start": start,
        "done_per_lead": max(activities // leads - 1, 0),
        "visits": visits,
        "reason": reason.id,
    }
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id, company_id, probability,
                              showroom_grade_id, contact_name, showroom_name_keys, mobile, referred, create_date,
                              write_date, create_uid, write_uid, date_open, showroom_test_drive,
                              showroom_lost_request_state)
        SELECT 'Bench lead ' || n, 'opportunity', TRUE, %(team)s, (%(users)s)[1 + n %% %(nusers)s], %(stage)s,
               %(company)s, 10, %(grade)s, 'Customer ' || n, 'customer' || n,  -- name_keys(['Customer <n>'])
               '+86 138 ' || lpad((n %% 10000)::text, 4, '0') || ' ' || lpad((n / 10000)::text, 4, '0'),
               %(tag)s, %(day_start)s - interval '100 days', now(), 1, 1, now(), 'none', 'none'
          FROM generate_series(1, %(leads)s) AS n
        """,
        params,
    )
    # one open follow-up per opportunity but 2% (n %% 50 = 0); 3% due on the day
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', l.id, %(type)s, l.user_id,
               CASE WHEN l.id %% 100 < 3 THEN %(day)s::date ELSE %(day)s::date + 1 + (l.id %% 7) END,
               %(tag)s, TRUE, TRUE, %(day_start)s - interval '5 days', now(), 1, 1
          FROM crm_lead l
         WHERE l.referred = %(tag)s AND l.id %% 50 <> 0
        """,
        params,
    )
    # the history: done follow-ups over the last 90 days, with feedback but 1%
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   date_done, summary, showroom_feedback, active, automated, create_date,
                                   write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', l.id, %(type)s, l.user_id, %(day)s::date - ((l.id + k) %% 90),
               %(day)s::date - ((l.id + k) %% 90), %(tag)s,
               CASE WHEN (l.id + k) %% 100 = 0 THEN NULL ELSE 'Waits for the price drop' END,
               FALSE, TRUE, %(day_start)s - interval '95 days', now(), 1, 1
          FROM crm_lead l, generate_series(1, %(done_per_lead)s) AS k
         WHERE l.referred = %(tag)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO mail_activity_showroom_feedback_reason_rel (activity_id, reason_id)
        SELECT a.id, %(reason)s FROM mail_activity a
         WHERE a.summary = %(tag)s AND a.active IS NOT TRUE AND a.date_done = %(day)s
        """,
        params,
    )
    # visit cards on the day: 80% of their opportunity, the others unknown to the CRM
    cr.execute(
        """
        INSERT INTO showroom_visit (date_in, visit_date, user_id, partner_name, name_key, mobile, party_size,
                                    visit_type, lead_id, match_state, company_id, note, create_date, write_date,
                                    create_uid, write_uid)
        SELECT %(day_start)s + interval '2 hours' + (n %% 600) * interval '1 minute', %(day)s, l.user_id,
               l.contact_name, l.showroom_name_keys, l.mobile, 1, 'first', CASE WHEN n %% 5 = 0 THEN NULL ELSE l.id END,
               CASE WHEN n %% 5 = 0 THEN 'unmatched' ELSE 'matched' END, %(company)s, %(tag)s, now(), now(), 1, 1
          FROM generate_series(1, %(visits)s) AS n
          JOIN crm_lead l ON l.referred = %(tag)s AND l.name = 'Bench lead ' || (n * 37 %% %(leads)s + 1)
        """,
        params,
    )
    for table in ("crm_lead", "mail_activity", "showroom_visit", "mail_activity_showroom_feedback_reason_rel"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    cr.execute("SELECT count(*) FROM mail_activity WHERE summary = %s", [SEED_TAG])
    return users, day, cr.fetchone()[0]


def naive_inspection(env, users, day):
    """What one writes without thinking: for each consultant, ORM searches per
    rule, the checks in Python, a search for an existing fine before creating it."""
    Lead = env["crm.lead"]
    Activity = env["mail.activity"].with_context(active_test=False)
    Fine = env["showroom.fine"]
    rules = env["showroom.fine.rule"]._showroom_rules_by_company(env.company)[env.company.id]
    from odoo.addons.crm_showroom.tools.showroom_day import day_bounds_utc  # noqa: PLC0415 - addons path set by now

    created = 0
    for user in users:
        sheet = env["showroom.inspection"].search([("user_id", "=", user.id), ("day", "=", day)]) or env[
            "showroom.inspection"
        ].create({"user_id": user.id, "day": day, "company_id": user.company_id.id})
        _start, end = day_bounds_utc(day, env.company._showroom_tz_name(user))
        breaches = []
        due = Activity.search(
            [("user_id", "=", user.id), ("date_deadline", "=", day), ("is_showroom_followup", "=", True)]
        )
        breaches += [("followup_late", act) for act in due if act.active or act.date_done > day]
        done = Activity.search(
            [
                ("user_id", "=", user.id),
                ("date_done", "=", day),
                ("active", "=", False),
                ("is_showroom_followup", "=", True),
            ]
        )
        breaches += [
            ("feedback_missing", act)
            for act in done
            if not act.showroom_feedback or not act.showroom_feedback_reason_ids
        ]
        leads = Lead.search([("user_id", "=", user.id), *Lead._showroom_open_domain(), ("create_date", "<", end)])
        followups = Activity.search(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("is_showroom_followup", "=", True)]
        )
        covered = {
            act.res_id
            for act in followups
            if act.create_date < end and (act.active or (act.date_done and act.date_done > day))
        }
        breaches += [("no_followup", lead) for lead in leads if lead.id not in covered]
        visits = env["showroom.visit"].search([("user_id", "=", user.id), ("visit_date", "=", day)])
        breaches += [("visit_unmatched", visit) for visit in visits if visit.match_state != "matched"]
        for kind, record in breaches:
            rule = rules[kind]
            if not Fine.search_count(
                [
                    ("rule_id", "=", rule.id),
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("day", "=", day),
                ]
            ):
                Fine.create(
                    {
                        "inspection_id": sheet.id,
                        "rule_id": rule.id,
                        "user_id": user.id,
                        "company_id": sheet.company_id.id,
                        "currency_id": sheet.company_id.currency_id.id,
                        "amount": rule.amount,
                        "day": day,
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                )
                created += 1
        env.invalidate_all()  # as a batch job would, not to hold all records in memory
    env.flush_all()
    return created


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--visits", type=int, default=5_000)
    parser.add_argument("--naive-sample", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous run (same sizes)")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        start = time.perf_counter()
        users, day, total_activities = seed(
            env, args.consultants, args.leads, args.activities, args.visits, reuse=args.reuse
        )
        env.cr.commit()
        user_ids = users.ids
    print(
        f"seeded {len(user_ids)} consultants, {args.leads:,} open opportunities, {total_activities:,} activities, "
        f"{args.visits:,} visit cards on {day} in {time.perf_counter() - start:.0f} s"
    )

    sample = user_ids[: args.naive_sample]
    with superuser_env(registry) as env:
        naive_created, naive_time, naive_queries = measure(
            env, lambda env: naive_inspection(env, env["res.users"].browse(sample), day)
        )
        env.cr.rollback()
    scale = len(user_ids) / len(sample)
    print(
        f"naive loop : {naive_time:8.2f} s  {naive_queries:>9,} queries  {naive_created:,} fines "
        f"for {len(sample)} consultants -> {naive_time * scale:.1f} s, {naive_queries * scale:,.0f} queries "
        f"for {len(user_ids)}"
    )

    Inspection = "showroom.inspection"
    with superuser_env(registry) as env:
        # the cron inspects every consultant of the database; only the seeded ones are here
        batches = -(-len(user_ids) // env[Inspection]._showroom_batch_size())
        _done, run_time, run_queries = measure(env, lambda env: env[Inspection]._cron_daily_inspection())
        env.cr.commit()
        env.cr.execute("SELECT count(*) FROM showroom_fine WHERE user_id = ANY(%s) AND day = %s", [user_ids, day])
        fines = env.cr.fetchone()[0]
        env.cr.execute(
            "SELECT r.kind, count(*) FROM showroom_fine f JOIN showroom_fine_rule r ON r.id = f.rule_id "
            "WHERE f.user_id = ANY(%s) AND f.day = %s GROUP BY r.kind ORDER BY 1",
            [user_ids, day],
        )
        by_kind = ", ".join(f"{kind} {count:,}" for kind, count in env.cr.fetchall())
    print(
        f"inspection : {run_time:8.2f} s  {run_queries:>9,} queries  {fines:,} fines ({by_kind}), "
        f"{batches} batches: {run_queries / batches:.0f} queries per batch"
    )

    with superuser_env(registry) as env:
        _again, again_time, again_queries = measure(env, lambda env: env[Inspection]._cron_daily_inspection())
        env.cr.execute("SELECT count(*) FROM showroom_fine WHERE user_id = ANY(%s) AND day = %s", [user_ids, day])
        again_fines = env.cr.fetchone()[0]
        env.cr.commit()
    print(f"second run : {again_time:8.2f} s  {again_queries:>9,} queries  {again_fines:,} fines (idempotent)")
    # the same day again by batches of 50 consultants (sheets and fines removed first):
    # the queries per batch stay the same whatever the batch holds
    with superuser_env(registry) as env:
        env.cr.execute("DELETE FROM showroom_fine WHERE user_id = ANY(%s) AND day = %s", [user_ids, day])
        env.cr.execute("DELETE FROM showroom_inspection WHERE user_id = ANY(%s) AND day = %s", [user_ids, day])
        small = -(-len(user_ids) // 50)
        _done, small_time, small_queries = measure(
            env, lambda env: env[Inspection]._cron_daily_inspection(batch_size=50)
        )
        env.cr.commit()
    print(
        f"batches/50 : {small_time:8.2f} s  {small_queries:>9,} queries  {small} batches: "
        f"{small_queries / small:.0f} queries per batch"
    )
    naive_total = naive_time * scale
    print(
        f"RESULT daily inspection of {len(user_ids)} consultants, {args.leads:,} opportunities, "
        f"{total_activities:,} activities, {args.visits:,} visits: {run_time:.2f} s (target < 20 s), "
        f"{naive_total / run_time:.1f}x faster than the per-consultant ORM loop (target >= 20x), "
        f"{run_queries / batches:.0f} queries per batch of {len(user_ids) // batches} consultants"
    )


if __name__ == "__main__":
    main()
