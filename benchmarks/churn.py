"""Benchmark of the daily churn warning (G6).

Seeds N base customers (default 100,000), each with one delivered vehicle and
R odometer readings (default 3), by bulk SQL inserts: the last reading of about
a third of them is older than the company's churn period (180 days); a tenth
of them have two done base-customer calls, half of those both negative. Then it
measures on the same data:

* the naive way: a loop over the base customers, with per customer a search of
  its vehicles, of their last reading, of its done calls, and a write of the
  flag — timed on a sample (default 2,000) and extrapolated, then rolled back;
  its flags are checked against the daily check's on the sample (one rule);
* ``res.partner._cron_showroom_churn()``: one UPDATE per batch of partners
  (``tools/churn.py``); and a second run (idempotent: nothing written).

Each side runs ``--repeat`` times (default 3) on cleared flags; it prints the
median wall time and the number of SQL queries of each, and the ratio.
Run it through ``benchmarks/run churn [--customers N] [--readings R] [--sample S]``.
"""

import time
from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, superuser_env

SEED_TAG = "BENCHCHURN"
# the outcomes seeded on the calls of the "both negative" customers (negative by the
# company's default setting; the naive loop judges them by the setting as the check does)
SEEDED_NEGATIVE = ("not_interested", "unreachable", "renewed_elsewhere")
RESET_FLAGS = (
    "UPDATE res_partner SET showroom_churn_risk = NULL, showroom_churn_reason = NULL, "
    "showroom_churn_last_seen = NULL WHERE ref = %s"
)


def seed(env, customers, readings):
    """Bulk-insert the base customers, their vehicles, readings and calls
    (previous seeds removed). Returns the number of readings."""
    cr = env.cr
    tag = SEED_TAG
    cr.execute(
        """
        DELETE FROM mail_activity WHERE res_model = 'showroom.milestone.call' AND summary = %(tag)s;
        DELETE FROM showroom_milestone_call
         WHERE vehicle_id IN (SELECT id FROM showroom_vehicle WHERE vin LIKE %(like)s);
        DELETE FROM showroom_vehicle WHERE vin LIKE %(like)s;
        DELETE FROM stock_lot WHERE name LIKE %(like)s;
        DELETE FROM res_partner WHERE ref = %(tag)s;
        """,
        {"tag": tag, "like": tag + "%"},
    )
    product = env["product.product"].search([("default_code", "=", tag)], limit=1) or env["product.product"].create(
        {
            "name": "Bench H6",
            "default_code": tag,
            "is_vehicle": True,
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    milestone = env.ref("crm_showroom.milestone_50k")
    today = env.company._showroom_today()
    env.flush_all()
    cr.execute(
        """
        WITH p AS (
            INSERT INTO res_partner (name, ref, active, type, is_company, is_base_customer, lang, autopost_bills,
                                     create_uid, write_uid, create_date, write_date)
            SELECT 'Bench base customer ' || n, %(tag)s, TRUE, 'contact', FALSE, TRUE, 'en_US', 'ask',
                   1, 1, now(), now()
              FROM generate_series(1, %(customers)s) AS n
            RETURNING id
        )
        UPDATE res_partner SET commercial_partner_id = res_partner.id FROM p WHERE res_partner.id = p.id
        """,
        {"tag": tag, "customers": customers},
    )
    cr.execute(
        """
        WITH v AS (
            SELECT partner.id AS partner_id, row_number() OVER (ORDER BY partner.id) AS n
              FROM res_partner partner WHERE partner.ref = %(tag)s
        ), lots AS (
            INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid, create_date, write_date)
            SELECT %(tag)s || lpad(n::text, 9, '0'), %(product)s, %(company)s, 1, 1, now(), now() FROM v
            RETURNING id, name
        )
        INSERT INTO showroom_vehicle (lot_id, vin, product_id, product_tmpl_id, state, partner_id, company_id,
                                      delivery_date, active, create_uid, write_uid, create_date, write_date)
        SELECT lots.id, lots.name, %(product)s, %(template)s, 'delivered', v.partner_id, %(company)s,
               %(today)s::date - (400 + v.n %% 1000)::int, TRUE, 1, 1, now(), now()
          FROM lots JOIN v ON lots.name = %(tag)s || lpad(v.n::text, 9, '0')
        """,
        {
            "tag": tag,
            "product": product.id,
            "template": product.product_tmpl_id.id,
            "company": env.company.id,
            "today": today,
        },
    )
    # the last reading: 1..390 days ago (a third past 180 days); the others before it
    cr.execute(
        """
        INSERT INTO showroom_odometer (vehicle_id, date, km, source, user_id, company_id, is_correction,
                                       create_uid, write_uid, create_date, write_date)
        SELECT v.id, %(today)s::date - (1 + v.id %% 270) - 120 * k, 1000 * (%(readings)s - k),
               'service', 1, v.company_id, FALSE, 1, 1, now(), now()
          FROM showroom_vehicle v, generate_series(0, %(readings)s - 1) AS k
         WHERE v.vin LIKE %(like)s
        """,
        {"today": today, "readings": readings, "like": tag + "%"},
    )
    # a tenth of the customers: one queue entry with two done calls (half of them both negative)
    cr.execute(
        """
        WITH c AS (
            INSERT INTO showroom_milestone_call (vehicle_id, milestone_id, kind, partner_id, company_id, state,
                                                 date_open, attempt_count, unreachable_count,
                                                 create_uid, write_uid, create_date, write_date)
            SELECT v.id, %(milestone)s, 'mileage', v.partner_id, v.company_id, 'open', %(today)s::date - 60,
                   2, 0, 1, 1, now(), now()
              FROM showroom_vehicle v
             WHERE v.vin LIKE %(like)s AND v.id %% 10 = 0
            RETURNING id, vehicle_id
        )
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   date_done, showroom_call_outcome, summary, active, automated,
                                   create_uid, write_uid, create_date, write_date)
        SELECT %(model_id)s, 'showroom.milestone.call', c.id, %(type)s, 1, %(today)s::date - 30 * k,
               %(today)s::date - 30 * k,
               CASE WHEN c.vehicle_id %% 20 = 0 THEN (%(negative)s)[1 + k] ELSE 'serviced' END,
               %(tag)s, FALSE, TRUE, 1, 1, now(), now()
          FROM c, generate_series(1, 2) AS k
        """,
        {
            "milestone": milestone.id,
            "today": today,
            "like": tag + "%",
            "model_id": env["ir.model"]._get_id("showroom.milestone.call"),
            "type": env.ref("crm_showroom.activity_type_base_call").id,
            "negative": list(SEEDED_NEGATIVE),
            "tag": tag,
        },
    )
    for table in ("res_partner", "showroom_vehicle", "showroom_odometer", "showroom_milestone_call", "mail_activity"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - table names are constants
    cr.execute(
        "SELECT count(*) FROM showroom_odometer o JOIN showroom_vehicle v ON v.id = o.vehicle_id WHERE v.vin LIKE %s",
        [tag + "%"],
    )
    return cr.fetchone()[0]


def naive_check(env, sample):
    """The churn rule per customer, with the ORM: searches per customer, one
    write each. Returns ``{partner id: (risk, reason)}`` of the sample."""
    Vehicle, Reading = env["showroom.vehicle"], env["showroom.odometer"]
    Call, Activity = env["showroom.milestone.call"], env["mail.activity"].with_context(active_test=False)
    company = env.company
    threshold = company._showroom_today() - timedelta(days=company.showroom_churn_days)
    negative_outcomes = set(company.showroom_churn_negative_outcome_ids.mapped("value"))
    result = {}
    for partner in env["res.partner"].search([("is_base_customer", "=", True), ("ref", "=", SEED_TAG)], limit=sample):
        vehicles = Vehicle.search([("partner_id", "=", partner.id), ("state", "=", "delivered")])
        days = [vehicle.delivery_date for vehicle in vehicles]
        last = Reading.search([("vehicle_id", "in", vehicles.ids)], order="date desc", limit=1)
        days += [last.date] if last else []
        calls = Call.search([("partner_id", "=", partner.id)])
        done = Activity.search(
            [
                ("res_model", "=", "showroom.milestone.call"),
                ("res_id", "in", calls.ids),
                ("active", "=", False),
                ("date_done", "!=", False),
                ("showroom_call_outcome", "!=", False),
            ],
            order="date_done desc, id desc",
        )
        days += [act.date_done for act in done if act.showroom_call_outcome != "unreachable"]
        last_seen = max(days) if days else False
        not_seen = bool(last_seen and last_seen < threshold)
        negative = len(done) >= 2 and all(act.showroom_call_outcome in negative_outcomes for act in done[:2])
        reason = (
            "not_seen_negative_calls"
            if not_seen and negative
            else "not_seen"
            if not_seen
            else "negative_calls"
            if negative
            else False
        )
        partner.write(
            {
                "showroom_churn_risk": bool(reason),
                "showroom_churn_reason": reason,
                "showroom_churn_last_seen": last_seen,
            }
        )
        result[partner.id] = (bool(reason), reason)
    return result


def median_run(runs):
    return sorted(runs, key=lambda run: run[1])[len(runs) // 2]


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--readings", type=int, default=3)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the medians are reported")
    args, registry = open_registry(parser)
    sample = min(args.sample, args.customers)

    with superuser_env(registry) as env:
        start = time.perf_counter()
        readings = seed(env, args.customers, args.readings)
        env.cr.commit()
    print(f"seeded {args.customers:,} base customers, {readings:,} readings in {time.perf_counter() - start:.0f} s")

    naive_runs, cron_runs = [], []
    for _run in range(args.repeat):
        with registry.cursor() as cr:
            cr.execute(RESET_FLAGS, [SEED_TAG])
        with superuser_env(registry) as env:
            naive_runs.append(measure(env, lambda e: naive_check(e, sample)))
            env.cr.rollback()
        with superuser_env(registry) as env:
            cron_runs.append(measure(env, lambda e: e["res.partner"]._cron_showroom_churn()))
    naive_flags = naive_runs[0][0]
    with superuser_env(registry) as env:
        cron_flags = {
            partner.id: (partner.showroom_churn_risk, partner.showroom_churn_reason)
            for partner in env["res.partner"].browse(list(naive_flags))
        }
        at_risk = env["res.partner"].search_count([("ref", "=", SEED_TAG), ("showroom_churn_risk", "=", True)])
    disagree = sum(1 for pid, flag in naive_flags.items() if cron_flags[pid] != flag)
    changed, cron_time, cron_queries = median_run(cron_runs)
    _flags, naive_sample_time, naive_sample_queries = median_run(naive_runs)
    scale = args.customers / sample
    naive_time, naive_queries = naive_sample_time * scale, int(naive_sample_queries * scale)
    print(
        f"naive loop : runs {', '.join(f'{r[1]:.2f}' for r in naive_runs)} s; median {naive_sample_time:.2f} s "
        f"{naive_sample_queries:,} queries for {sample:,} customers -> {naive_time:.1f} s {naive_queries:,} "
        f"queries for {args.customers:,}"
    )
    print(
        f"daily check: runs {', '.join(f'{r[1]:.2f}' for r in cron_runs)} s; median {cron_time:.2f} s "
        f"{cron_queries:,} queries, {changed:,} partners written, {at_risk:,} at risk"
    )
    print(f"agreement  : {len(naive_flags) - disagree:,}/{len(naive_flags):,} sampled customers flagged alike")
    with superuser_env(registry) as env:
        again, again_time, again_queries = measure(env, lambda e: e["res.partner"]._cron_showroom_churn())
    print(f"second run : {again_time:.2f} s {again_queries:,} queries, {again:,} written (idempotent)")
    print(
        f"RESULT churn check of {args.customers:,} base customers ({readings:,} readings): {cron_time:.2f} s, "
        f"{naive_time / cron_time:.1f}x faster than the per-customer loop ({cron_queries:,} queries vs "
        f"{naive_queries:,}); {disagree} disagreement(s)"
    )


if __name__ == "__main__":
    main()
