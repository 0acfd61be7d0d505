"""Benchmark of the daily milestone check (issue 8, R6.1).

Seeds N delivered vehicles (default 100,000) of base customers with R readings
each (default 10: 1,000,000 readings) by bulk SQL inserts, their stored forecast
(last reading, km per day) written as the ORM computes it; about 5% of them have
crossed a mileage milestone and none is in the queue yet. Ten telemarketing users
work the milestones, without a cap. Then it measures on the same data:

* the naive way: a loop over the delivered vehicles, the estimate read per
  vehicle, one search per milestone for an existing entry, one create and one
  ``activity_schedule`` per new entry — timed on a sample of the vehicles
  (default 2,000) and extrapolated, then rolled back;
* the naive way with the ORM's prefetch: the sample's readings
  (``vehicle.odometer_ids``) and queue entries read in one go, the forecast
  fitted from the readings in Python, still one create and one
  ``activity_schedule`` per new entry — sampled and rolled back the same way;
* ``showroom.vehicle._cron_showroom_milestones()``: one SQL detection per run,
  bulk ``INSERT ... ON CONFLICT DO NOTHING`` in batches, the entries opened
  into the users' room with one create of the call activities per batch; and
  a second run (idempotent: nothing to queue).

Each side runs ``--repeat`` times (default 3) on an empty queue; it prints the
median wall time and the number of SQL queries of each, and both ratios.
Run it through ``benchmarks/run mileage_milestones [--vehicles N] [--readings R]``.
"""

import time

from _common import benchmark_parser, measure, open_registry, superuser_env

from odoo import Command

SEED_TAG = "BENCHMIL"
RESET_QUEUE = (
    "DELETE FROM mail_activity WHERE res_model = 'showroom.milestone.call'; DELETE FROM showroom_milestone_call;"
)


def seed(env, vehicles, readings):
    """Bulk-insert the vehicles, their lots and readings (previous seeds removed)."""
    cr = env.cr
    cr.execute(RESET_QUEUE)
    cr.execute(
        """
        DELETE FROM showroom_vehicle WHERE vin LIKE %(tag)s;
        DELETE FROM stock_lot WHERE name LIKE %(tag)s;
        """,
        {"tag": SEED_TAG + "%"},
    )
    product = env["product.product"].search([("default_code", "=", SEED_TAG)], limit=1) or env[
        "product.product"
    ].create(
        {
            "name": "Bench H6",
            "default_code": SEED_TAG,
            "is_vehicle": True,
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    partners = env["res.partner"].search([("ref", "=", SEED_TAG)])
    if len(partners) < 1000:
        partners |= env["res.partner"].create(
            [{"name": f"Bench customer {i}", "ref": SEED_TAG} for i in range(1000 - len(partners))]
        )
    users = env["res.users"].search([("login", "like", "bench_tm_%")])
    group = env.ref("crm_showroom.group_showroom_telemarketing")
    for i in range(len(users), 10):
        users |= env["res.users"].create(
            {"name": f"Bench Telemarketing {i}", "login": f"bench_tm_{i}", "groups_id": [Command.set(group.ids)]}
        )
    env["showroom.mileage.milestone"].search([]).write({"user_ids": [Command.set(users.ids)]})
    env.company.showroom_call_cap = 0
    today = env.company._showroom_today()
    env.flush_all()
    # vehicle n: delivered 200..1600 days ago, driven rate km a day (the 5% fastest
    # cross 50,000 km), readings evenly spaced from the delivery to 10 days ago
    cr.execute(
        """
        WITH v AS (
            SELECT n,
                   %(today)s::date - (200 + (n * 7919) %% 1400) AS delivered,
                   CASE WHEN n %% 20 = 0 THEN 60 + n %% 40 ELSE 5 + n %% 25 END AS rate
              FROM generate_series(1, %(vehicles)s) AS n
        ), lots AS (
            INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid, create_date, write_date)
            SELECT %(tag)s || lpad(n::text, 9, '0'), %(product)s, %(company)s, 1, 1, now(), now() FROM v
            RETURNING id, name
        )
        INSERT INTO showroom_vehicle (lot_id, vin, product_id, product_tmpl_id, state, partner_id, company_id,
                                      delivery_date, active, odometer_last_km, odometer_last_date,
                                      odometer_km_per_day, create_uid, write_uid, create_date, write_date)
        SELECT lots.id, lots.name, %(product)s, %(template)s, 'delivered', (%(partners)s)[1 + v.n %% 1000],
               %(company)s, v.delivered, TRUE, v.rate * (%(today)s::date - 10 - v.delivered),
               %(today)s::date - 10, v.rate, 1, 1, now(), now()
          FROM lots JOIN v ON lots.name = %(tag)s || lpad(v.n::text, 9, '0')
        """,
        {
            "today": today,
            "vehicles": vehicles,
            "tag": SEED_TAG,
            "product": product.id,
            "template": product.product_tmpl_id.id,
            "company": env.company.id,
            "partners": partners.ids,
        },
    )
    cr.execute(
        """
        INSERT INTO showroom_odometer (vehicle_id, date, km, source, user_id, company_id, is_correction,
                                       create_uid, write_uid, create_date, write_date)
        SELECT v.id, v.delivery_date + (k * (v.odometer_last_date - v.delivery_date) / (%(readings)s - 1)),
               round(v.odometer_km_per_day * (k * (v.odometer_last_date - v.delivery_date) / (%(readings)s - 1))),
               CASE WHEN k = 0 THEN 'delivery' ELSE 'service' END, 1, v.company_id, FALSE, 1, 1, now(), now()
          FROM showroom_vehicle v, generate_series(0, %(readings)s - 1) AS k
         WHERE v.vin LIKE %(tag)s
        """,
        {"readings": readings, "tag": SEED_TAG + "%"},
    )
    for table in ("stock_lot", "showroom_vehicle", "showroom_odometer", "showroom_milestone_call"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - table names are constants
    cr.execute(
        "SELECT count(*) FROM showroom_odometer o JOIN showroom_vehicle v ON v.id = o.vehicle_id WHERE v.vin LIKE %s",
        [SEED_TAG + "%"],
    )
    return cr.fetchone()[0]


def naive_check(env, sample):
    """What one writes without thinking: the estimate per vehicle, a search per
    milestone, a create and an activity per new entry."""
    Vehicle = env["showroom.vehicle"]
    Call = env["showroom.milestone.call"]
    milestones = env["showroom.mileage.milestone"].search([("kind", "=", "mileage")], order="km desc")
    queued = 0
    domain = [("state", "=", "delivered"), ("vin", "like", SEED_TAG + "%")]
    for vehicle in Vehicle.search(domain, order="id", limit=sample):
        estimate = vehicle.odometer_estimated
        for milestone in milestones:
            if estimate >= milestone.km:
                if not Call.search_count([("vehicle_id", "=", vehicle.id), ("milestone_id", "=", milestone.id)]):
                    user = milestone.user_ids[queued % len(milestone.user_ids)]
                    queue_naively(Call, vehicle, milestone, user, vehicle.company_id._showroom_today())
                    queued += 1
                break
    env.flush_all()
    return queued


def queue_naively(Call, vehicle, milestone, user, today):
    """What both naive loops do for a vehicle past a milestone: create its queue
    entry, then schedule its first call with ``activity_schedule``."""
    call = Call.create(
        {
            "vehicle_id": vehicle.id,
            "milestone_id": milestone.id,
            "user_id": user.id,
            "company_id": vehicle.company_id.id,
            "date_open": today,
        }
    )
    call.activity_schedule(
        "crm_showroom.activity_type_base_call", date_deadline=today, user_id=user.id, summary=milestone.name
    )


def naive_check_prefetch(env, sample):
    """The same loop written with the ORM's prefetch: the readings and the queue
    entries of the sample read in one go, the forecast fitted in Python from the
    readings, the milestones in memory; a create and an activity per new entry."""
    from odoo.addons.crm_showroom.tools.mileage import estimated_km, km_per_day  # noqa: PLC0415 - addons path set by now

    Call = env["showroom.milestone.call"]
    milestones = env["showroom.mileage.milestone"].search([("kind", "=", "mileage")], order="km desc")
    domain = [("state", "=", "delivered"), ("vin", "like", SEED_TAG + "%")]
    vehicles = env["showroom.vehicle"].search(domain, order="id", limit=sample)
    vehicles.odometer_ids.fetch(["date", "km"])
    vehicles.milestone_call_ids.fetch(["milestone_id"])
    today = env.company._showroom_today()
    queued = 0
    for vehicle in vehicles:
        readings = [(reading.date, reading.km) for reading in vehicle.odometer_ids]
        if not readings:
            continue
        last_date, last_km = max(readings)
        estimate = estimated_km(last_km, last_date, km_per_day(readings), today)
        milestone = next((milestone for milestone in milestones if estimate >= milestone.km), None)
        if not milestone or milestone in vehicle.milestone_call_ids.milestone_id:
            continue
        user = milestone.user_ids[queued % len(milestone.user_ids)]
        queue_naively(Call, vehicle, milestone, user, today)
        queued += 1
    env.flush_all()
    return queued


def median_run(runs):
    """The run of median time among ``runs`` (``(result, seconds, queries)``)."""
    return sorted(runs, key=lambda run: run[1])[len(runs) // 2]


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--vehicles", type=int, default=100_000)
    parser.add_argument("--readings", type=int, default=10)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the medians are reported")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        start = time.perf_counter()
        readings = seed(env, args.vehicles, args.readings)
        env.cr.commit()
    print(f"seeded {args.vehicles:,} delivered vehicles, {readings:,} readings in {time.perf_counter() - start:.0f} s")

    naive = {"search per vehicle": (naive_check, []), "ORM prefetch": (naive_check_prefetch, [])}
    cron_runs = []
    for _run in range(args.repeat):
        with registry.cursor() as cr:  # an empty queue for each run (the daily check commits its batches)
            cr.execute(RESET_QUEUE)
        for check, runs in naive.values():
            with superuser_env(registry) as env:
                runs.append(measure(env, lambda e, check=check: check(e, args.sample)))
                env.cr.rollback()
        with superuser_env(registry) as env:
            cron_runs.append(measure(env, lambda e: e["showroom.vehicle"]._cron_showroom_milestones()))
    queued, cron_time, cron_queries = median_run(cron_runs)
    scale = args.vehicles / args.sample
    print(f"runs       : daily check {', '.join(f'{r[1]:.2f}' for r in cron_runs)} s (median below)")
    ratios = {}
    for name, (_check, runs) in naive.items():
        naive_queued, naive_sample_time, naive_sample_queries = median_run(runs)
        naive_time, naive_queries = naive_sample_time * scale, int(naive_sample_queries * scale)
        ratios[name] = (naive_time / cron_time, naive_queries)
        print(
            f"naive loop ({name}): runs {', '.join(f'{r[1]:.2f}' for r in runs)} s; median {naive_sample_time:.2f} s "
            f"{naive_sample_queries:,} queries for {args.sample:,} vehicles ({naive_queued:,} queued) -> "
            f"{naive_time:.1f} s {naive_queries:,} queries for {args.vehicles:,}: {naive_time / cron_time:.1f}x"
        )
    print(f"daily check: {cron_time:8.2f} s  {cron_queries:>9,} queries  queued {queued:,}")

    with superuser_env(registry) as env:
        again, again_time, again_queries = measure(env, lambda e: e["showroom.vehicle"]._cron_showroom_milestones())
    print(f"second run : {again_time:8.2f} s  {again_queries:>9,} queries  queued {again:,} (idempotent)")
    best = min(ratios, key=lambda name: ratios[name][0])
    print(
        f"RESULT milestone check of {args.vehicles:,} vehicles ({readings:,} readings): {cron_time:.2f} s "
        f"(target < 10 s), {ratios['search per vehicle'][0]:.1f}x faster than the loop with a search per vehicle, "
        f"{ratios['ORM prefetch'][0]:.1f}x than the loop with the ORM's prefetch (target >= 20x the better one: "
        f"{best}), {cron_queries:,} queries vs {ratios[best][1]:,}"
    )


if __name__ == "__main__":
    main()
