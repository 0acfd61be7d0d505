"""Benchmark of the care SMS (issue 8, R6.2): a care day's SMS to N base customers.

Seeds N base customers (default 100,000), each with a delivered vehicle and a
mobile number (1% of the numbers blacklisted, 1% of the customers opted out),
with bulk SQL inserts, and a care day on today's showroom day. Then measures:

* the naive way: a loop over the audience, per customer a search for an earlier
  log line, an SMS queued through the composer and a log line created (on a
  sample of ``--sample`` customers, rolled back, extrapolated to N);
* ``showroom.care.day._showroom_send()``: batches of 1,000 customers, the log
  lines inserted first, the SMS queued through Odoo's composer in mass mode
  (committed per batch, as the cron does);
* the same again (idempotent: nothing left to send).

It prints the wall time, the SMS queued per second, the queries (total and per
batch) and the ratio against the naive way. The SMS are real ``sms.sms`` records
in Odoo's queue; nothing is sent (no IAP call).
Run it through ``benchmarks/run care_sms [--customers N]``.
"""

import math

from _common import benchmark_parser, measure, open_registry, superuser_env

SEED_TAG = "bench-care"
BATCH_SIZE = 1000


def seed(env, customers):
    """Bulk-insert ``customers`` base customers with a delivered vehicle each (kept
    from an earlier run of the same size: deleting 100,000 contacts costs minutes of
    foreign-key checks), and a fresh care day today. Returns the care day and today."""
    cr = env.cr
    company = env.company
    cr.execute("DELETE FROM showroom_care_day WHERE name = %s", [SEED_TAG])  # its log lines cascade
    cr.execute("DELETE FROM sms_sms WHERE partner_id IN (SELECT id FROM res_partner WHERE ref = %s)", [SEED_TAG])
    cr.execute("SELECT count(*) FROM res_partner WHERE ref = %s AND active", [SEED_TAG])
    if cr.fetchone()[0] != customers:
        seed_customers(env, customers)
    for table in ("res_partner", "showroom_vehicle", "stock_lot", "phone_blacklist", "showroom_care_sms", "sms_sms"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    env.invalidate_all()
    today = company._showroom_today()
    care_day = env["showroom.care.day"].create(
        {
            "name": SEED_TAG,
            "occasion": "custom",
            "date": today,
            "sms_template_id": env.ref("crm_showroom.sms_template_care_holiday").id,
            "company_id": company.id,
        }
    )
    return care_day, today


def seed_customers(env, customers):
    """The customers of an earlier seed of another size are archived and renamed
    (cheap), not deleted; then ``customers`` new ones are inserted."""
    cr = env.cr
    company = env.company
    cr.execute("UPDATE res_partner SET active = FALSE, ref = ref || '-old' WHERE ref = %s", [SEED_TAG])
    cr.execute("UPDATE showroom_vehicle SET active = FALSE WHERE vin LIKE 'BENCHCARE%%'")
    cr.execute("UPDATE stock_lot SET name = 'OLD' || id || name WHERE name LIKE 'BENCHCARE%%'")
    cr.execute("UPDATE showroom_vehicle SET vin = 'OLD' || id || vin WHERE vin LIKE 'BENCHCARE%%'")
    cr.execute("DELETE FROM phone_blacklist WHERE number LIKE '+86177%%'")
    product = env["product.product"].search([("default_code", "=", SEED_TAG)], limit=1) or env[
        "product.product"
    ].create(
        {
            "name": "Bench H6 SUV",
            "default_code": SEED_TAG,
            "is_vehicle": True,
            "tracking": "serial",
            "is_storable": True,
        }
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO res_partner (name, ref, active, type, lang, mobile, phone_sanitized, is_base_customer,
                                 showroom_care_sms_optout, autopost_bills, create_date, write_date, create_uid,
                                 write_uid)
        SELECT '客户 ' || n, %(tag)s, TRUE, 'contact', 'en_US',
               '+86 177 ' || lpad((n / 10000)::text, 4, '0') || ' ' || lpad((n %% 10000)::text, 4, '0'),
               '+86177' || lpad((n / 10000)::text, 4, '0') || lpad((n %% 10000)::text, 4, '0'),
               TRUE, n %% 100 = 50, 'ask', now(), now(), 1, 1
          FROM generate_series(1, %(customers)s) AS n
        RETURNING id
        """,
        {"tag": SEED_TAG, "customers": customers},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s", [SEED_TAG])
    cr.execute(
        """
        WITH lots AS (
            INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date, create_uid, write_uid)
            SELECT 'BENCHCARE' || lpad(n::text, 8, '0'), %(product)s, %(company)s, now(), now(), 1, 1
              FROM generate_series(1, %(customers)s) AS n
            RETURNING id, name
        )
        INSERT INTO showroom_vehicle (lot_id, vin, product_id, product_tmpl_id, partner_id, state, company_id,
                                      delivery_date, active, create_date, write_date, create_uid, write_uid)
        SELECT lots.id, lots.name, %(product)s, %(template)s, partner.id, 'delivered', %(company)s,
               DATE '2024-01-01', TRUE, now(), now(), 1, 1
          FROM lots
          JOIN unnest(%(partners)s::int[]) WITH ORDINALITY AS partner(id, n)
            ON partner.n = substr(lots.name, 10)::int
        """,
        {
            "product": product.id,
            "template": product.product_tmpl_id.id,
            "company": company.id,
            "customers": customers,
            "partners": partner_ids,
        },
    )
    cr.execute(
        """INSERT INTO phone_blacklist (number, active, create_date, write_date, create_uid, write_uid)
           SELECT phone_sanitized, TRUE, now(), now(), 1, 1 FROM res_partner
            WHERE ref = %s AND id %% 100 = 7""",
        [SEED_TAG],
    )


def naive_send(env, care_day, today, sample):
    """What one writes without thinking: per customer, a search for an earlier log
    line, an SMS through the composer and a log line."""
    CareSms = env["showroom.care.sms"]
    queued = 0
    for partner in env["res.partner"].search(care_day._showroom_audience_domain(today), order="id", limit=sample):
        if CareSms.search_count(
            [("partner_id", "=", partner.id), ("care_day_id", "=", care_day.id), ("date", "=", today)]
        ):
            continue
        sms = partner._message_sms_schedule_mass(template=care_day.sms_template_id, mass_keep_log=False)
        CareSms.create(
            {
                "partner_id": partner.id,
                "care_day_id": care_day.id,
                "date": today,
                "company_id": care_day.company_id.id,
                "sms_id": sms.id,
                "body": sms.body,
                "number": sms.number,
            }
        )
        queued += sms.state == "outgoing"
    env.flush_all()
    return queued


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="customers the naive loop runs on")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        care_day, today = seed(env, args.customers)
        audience = env["res.partner"].search_count(care_day._showroom_audience_domain(today))
        care_day_id = care_day.id
        env.cr.commit()
    print(
        f"seeded {args.customers:,} base customers; the care day of {today} reaches {audience:,} "
        f"(blacklisted and opted-out left out)"
    )

    with superuser_env(registry) as env:
        care_day = env["showroom.care.day"].browse(care_day_id)
        naive_queued, naive_time, naive_queries = measure(
            env, lambda env: naive_send(env, care_day, today, args.sample)
        )
        env.cr.rollback()
    naive_rate = naive_queued / naive_time
    naive_total = audience / naive_rate
    print(
        f"naive loop : {naive_time:8.2f} s  {naive_queries:>9,} queries  {naive_queued:,} SMS "
        f"({naive_rate:,.0f} SMS/s, {naive_queries / max(naive_queued, 1):.1f} queries per SMS; "
        f"{naive_total:,.0f} s extrapolated to {audience:,})"
    )

    with superuser_env(registry) as env:
        care_day = env["showroom.care.day"].browse(care_day_id)
        queued, send_time, send_queries = measure(
            env, lambda env: care_day._showroom_send(today, batch_size=BATCH_SIZE)
        )
        env.cr.commit()
    batches = math.ceil(audience / BATCH_SIZE)
    print(
        f"batched    : {send_time:8.2f} s  {send_queries:>9,} queries  {queued:,} SMS "
        f"({queued / send_time:,.0f} SMS/s, {send_queries / batches:.1f} queries per batch of {BATCH_SIZE:,})"
    )

    with superuser_env(registry) as env:
        care_day = env["showroom.care.day"].browse(care_day_id)
        again, again_time, again_queries = measure(env, lambda env: care_day._showroom_send(today))
        logged = env["showroom.care.sms"].search_count([("care_day_id", "=", care_day_id)])
    print(
        f"second run : {again_time:8.2f} s  {again_queries:>9,} queries  {again:,} SMS (idempotent; "
        f"{logged:,} log lines)"
    )
    print(
        f"RESULT care SMS to {audience:,} base customers: {send_time:.1f} s, {queued / send_time:,.0f} SMS "
        f"queued/s, {send_queries / batches:.1f} queries per batch of {BATCH_SIZE:,}; "
        f"{naive_total / send_time:.1f}x faster than the naive per-customer loop "
        f"({naive_total:,.0f} s extrapolated from {naive_queued:,})"
    )


if __name__ == "__main__":
    main()
