"""Benchmark of the nightly customer-pool release (G4).

Seeds N open showroom opportunities (default 200,000) over 20 consultants with bulk
SQL inserts, registered 90 days ago, each with its open follow-up (R4.1 holds, as the
nightly sweep guarantees); all but ``--due-ratio`` of them (default 1%) have a done
follow-up of the last days, the others were never followed up and are due for the
pool (their open follow-up goes to the team leader). Then measures on the same data:

* the loop a good Odoo developer writes: the open held opportunities in one search
  (prefetched), their last done follow-up in one ``_read_group``, the holders' current
  rows in another, each holder's day once; a Python loop decides, then each due
  opportunity is released with its own write and chatter post (rolled back);
* ``crm.lead._cron_showroom_pool_release()``: one set-based query, batched release.

It prints the wall time and the number of SQL queries of both, and their ratio.
Run it through ``benchmarks/run pool_release [--leads N] [--due-ratio R]``.
"""

from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, seed_open_opportunities, superuser_env

SEED_TAG = "bench-pool"


def seed_history(env, due_ratio):
    """Registration 90 days ago for the seeded opportunities, which meet the entry
    standard (R2.2: the release writes them); a done follow-up in the last days for
    all but ``due_ratio`` of them."""
    cr = env.cr
    cr.execute(
        """
        UPDATE crm_lead
           SET create_date = now() - interval '90 days', showroom_channel_id = %s, showroom_purchase_type = 'first',
               showroom_customer_kind = 'person', street = 'Zhongshan Road 88', city = 'Dingzhou'
         WHERE referred = %s
     RETURNING id, user_id
        """,
        [env.ref("crm_showroom.channel_walk_in").id, SEED_TAG],
    )
    rows = cr.fetchall()
    every = round(1 / due_ratio)
    followed = [(lead_id, user_id) for index, (lead_id, user_id) in enumerate(rows) if index % every]
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   date_done, summary, active, automated, showroom_feedback,
                                   create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead_id, %(type)s, user_id, %(today)s::date - (lead_id %% 5),
               %(today)s::date - (lead_id %% 5), %(tag)s, FALSE, TRUE, 'Called', now(), now(), 1, 1
          FROM unnest(%(lead_ids)s::int[], %(user_ids)s::int[]) AS t(lead_id, user_id)
        """,
        {
            "model_id": env["ir.model"]._get_id("crm.lead"),
            "type": env.ref("crm_showroom.activity_type_followup").id,
            "today": env.company._showroom_today(),
            "tag": SEED_TAG,
            "lead_ids": [row[0] for row in followed],
            "user_ids": [row[1] for row in followed],
        },
    )
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE mail_activity")
    return len(rows) - len(followed)


def naive_due(env):
    """The loop's decision: the open held opportunities in one search (prefetched),
    their last done follow-up and their holder's current row in one ``_read_group``
    each, each holder's day once; a Python loop over the opportunities."""
    Lead = env["crm.lead"]
    Company = env["res.company"]
    leads = Lead.search([*Lead._showroom_open_domain(), ("user_id", "!=", False)])
    last_done = dict(
        env["mail.activity"]
        .with_context(active_test=False)
        ._read_group(
            [
                ("res_model", "=", "crm.lead"),
                ("active", "=", False),
                ("activity_type_id.is_showroom_followup", "=", True),
                ("showroom_closed_reason", "=", False),
            ],
            ["res_id"],
            ["date_done:max"],
        )
    )
    since = dict(
        env["showroom.assignment"]._read_group(
            [("lead_id", "!=", False), ("date_to", "=", False)], ["lead_id"], ["date_from:max"]
        )
    )
    today_by_user = Company._showroom_today_by_user(leads.user_id)
    due = []
    for lead in leads:
        user_id = lead.user_id.id
        starts = [
            last_done.get(lead.id),
            lead.showroom_registered_at and Company._showroom_date_of(lead.showroom_registered_at, lead.user_id),
            Company._showroom_date_of(lead.create_date, lead.user_id),
            since.get(lead) and Company._showroom_date_of(since[lead], lead.user_id),
        ]
        start = max(filter(None, starts))
        days = lead.showroom_grade_id.followup_interval_days + lead.team_id.showroom_pool_grace_days + 1
        if lead.showroom_grade_id and start + timedelta(days=days) <= today_by_user[user_id]:
            due.append(lead)
    return due


def naive_release(env):
    """The loop's release: each due opportunity with its own write and chatter post."""
    due = naive_due(env)
    for lead in due:
        with env["showroom.assignment"]._showroom_reason("released"):
            lead.write({"user_id": False})
        lead.message_post(body="Returned to the pool: not followed up in time.")
    env.flush_all()
    return len(due)


def sql_due(env):
    """The release's decision: the one set-based query."""
    Lead = env["crm.lead"]
    env.cr.execute(Lead._showroom_release_query(Lead._showroom_pool_holders()))
    return sum(1 for _lead, _user, release, today in env.cr.fetchall() if release <= today)


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--due-ratio", type=float, default=0.01)
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        _users, total, _gaps = seed_open_opportunities(
            env,
            tag=SEED_TAG,
            team_name="Benchmark Pool Showroom",
            login_prefix="bench_pool_",
            consultants=20,
            leads=args.leads,
            gap_ratio=0.001,
            deadlines=(0, 6),
        )
        due = seed_history(env, args.due_ratio)
        env.cr.commit()
    print(f"seeded {total:,} open showroom opportunities, {due:,} due for the pool")

    with superuser_env(registry) as env:
        naive_released, naive_time, naive_queries = measure(env, naive_release)
        env.cr.rollback()
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>8,} queries  released {naive_released:,}")

    with superuser_env(registry) as env:
        naive_found, naive_due_time, _queries = measure(env, lambda env: len(naive_due(env)))
        found, sql_due_time, _queries = measure(env, sql_due)
    print(
        f"deciding   : loop {naive_due_time:6.2f} s, one query {sql_due_time:6.2f} s "
        f"({naive_due_time / sql_due_time:.1f}x), {naive_found:,} / {found:,} due"
    )

    with superuser_env(registry) as env:
        released, cron_time, cron_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_pool_release())
        env.cr.commit()
    print(f"release    : {cron_time:8.2f} s  {cron_queries:>8,} queries  released {released:,}")

    with superuser_env(registry) as env:
        again, again_time, again_queries = measure(env, lambda env: env["crm.lead"]._cron_showroom_pool_release())
    print(f"second run : {again_time:8.2f} s  {again_queries:>8,} queries  released {again:,} (exactly once)")
    print(
        f"RESULT pool release over {total:,} opportunities: {cron_time:.2f} s (target < 10 s), "
        f"{naive_time / cron_time:.1f}x faster than the per-lead loop (target >= 20x), "
        f"{cron_queries:,} queries vs {naive_queries:,}"
    )


if __name__ == "__main__":
    main()
