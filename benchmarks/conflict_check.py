"""Benchmark of the ownership-conflict check on create (R7).

Seeds N open showroom opportunities (default 500,000) over C consultants (default
200) with ``_common.seed_open_opportunities``, then adds K new opportunities
(default 200) of those consultants, every tenth with the mobile of a colleague's
customer (a conflict), the others with new mobiles, and measures for each new
opportunity, on the same data:

* ``showroom.conflict._showroom_check_leads``, the check ``crm.lead.create`` runs
  (one query on the indexed normalised mobile and customer, one on base customers'
  sanitized numbers; opening the conflict when there is one);
* Odoo's own similar-lead computation of the opportunity form,
  ``crm.lead._compute_potential_lead_duplicates`` (``duplicate_lead_ids``).

Caches are emptied before each measure but for what ``create`` leaves in them (the
new opportunity's values, its team and stage). Everything is rolled back. It prints
the median and 95th percentile of both per opportunity (the 95th includes opening
the conflicts: their chatter notes), their ratio, and fails when the check's median is above 5 ms. Run it
through ``benchmarks/run conflict_check [--leads N] [--consultants C] [--creates K]``.
"""

import statistics
import time

from _common import benchmark_parser, open_registry, seed_open_opportunities, superuser_env

TAG = "bench-conflict"
BUDGET_MS = 5.0


def seed(env, leads, consultants):
    users, total, _gaps = seed_open_opportunities(
        env,
        tag=TAG,
        team_name="Bench Conflict Showroom",
        login_prefix="bench_conflict_",
        consultants=consultants,
        leads=leads,
        gap_ratio=1,
    )
    # the sanitized number Odoo's duplicate search reads (the ORM computes it on create)
    env.cr.execute(
        "UPDATE crm_lead SET phone_sanitized = regexp_replace(mobile, '[^0-9+]', '', 'g') WHERE referred = %s",
        [TAG],
    )
    env.cr.execute("ANALYZE crm_lead")
    return users, total


def new_opportunities(env, creates):
    """K new opportunities, as ``create`` leaves them before its check: every tenth
    with the mobile of a colleague's customer."""
    env.cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id, company_id, probability,
                              showroom_grade_id, contact_name, mobile, phone_sanitized, referred, create_date,
                              write_date, create_uid, write_uid, showroom_test_drive,
                              showroom_lost_request_state)
        SELECT 'New ' || s.n, 'opportunity', TRUE, l.team_id,
               (SELECT u.user_id FROM crm_lead u WHERE u.referred = %(tag)s AND u.user_id <> l.user_id LIMIT 1),
               l.stage_id, l.company_id, 10, l.showroom_grade_id, 'New customer ' || s.n,
               CASE WHEN s.n %% 10 = 0 THEN l.mobile ELSE '+86 139 ' || lpad(s.n::text, 4, '0') || ' 0000' END,
               CASE WHEN s.n %% 10 = 0 THEN l.phone_sanitized ELSE '+86139' || lpad(s.n::text, 4, '0') || '0000' END,
               'bench-conflict-new', now(), now(), 1, 1, 'none', 'none'
          FROM generate_series(1, %(creates)s) AS s(n)
          JOIN LATERAL (SELECT * FROM crm_lead WHERE referred = %(tag)s ORDER BY id OFFSET s.n * 7 LIMIT 1) l ON TRUE
        RETURNING id
        """,
        {"tag": TAG, "creates": creates},
    )
    return env["crm.lead"].browse([row[0] for row in env.cr.fetchall()])


def timed(env, lead, func):
    """Milliseconds of ``func()``, caches emptied but for what ``create`` leaves in
    them: the new opportunity's own values, its team and stage."""
    env.invalidate_all()
    lead.read(["mobile", "partner_id", "user_id", "company_id", "type", "active", "team_id", "stage_id"])
    lead.team_id.read(["is_showroom"])
    lead.stage_id.read(["is_won"])
    start = time.perf_counter()
    func()
    env.flush_all()
    return (time.perf_counter() - start) * 1000


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=500_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--creates", type=int, default=200)
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        _users, total = seed(env, args.leads, args.consultants)
        env.cr.commit()
    print(f"seeded {total:,} open showroom opportunities of {args.consultants} consultants")

    with superuser_env(registry, {"tracking_disable": True}) as env:
        Conflict = env["showroom.conflict"]
        leads = new_opportunities(env, args.creates)
        check, duplicates = [], []
        for lead in leads:
            check.append(timed(env, lead, lambda lead=lead: Conflict._showroom_check_leads(lead)))
            duplicates.append(timed(env, lead, lambda lead=lead: lead._compute_potential_lead_duplicates()))
        opened = Conflict.search_count([("claimant_lead_id", "in", leads.ids)])
        env.cr.rollback()

    def figures(values):
        return statistics.median(values), statistics.quantiles(values, n=20)[-1]

    check_median, check_p95 = figures(check)
    dup_median, dup_p95 = figures(duplicates)
    print(f"conflict check        : median {check_median:6.2f} ms  p95 {check_p95:6.2f} ms")
    print(f"Odoo similar leads    : median {dup_median:6.2f} ms  p95 {dup_p95:6.2f} ms")
    print(
        f"RESULT conflict check on create with {total:,} opportunities: median {check_median:.2f} ms "
        f"(budget {BUDGET_MS:.0f} ms); Odoo's similar-lead computation {dup_median:.2f} ms, "
        f"{dup_median / check_median:.1f}x as long; {opened} conflicts opened for {len(leads)} new opportunities"
    )
    if check_median > BUDGET_MS:
        raise SystemExit(f"the conflict check's median {check_median:.2f} ms is over {BUDGET_MS:.0f} ms")


if __name__ == "__main__":
    main()
