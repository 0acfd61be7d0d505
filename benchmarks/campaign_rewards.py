"""Benchmark of campaign rewards on delivery day (issue 8, R6.3).

Seeds N delivered vehicles (default 1,000) whose opportunities came by customer
referral from 200 referring customers — VIN lots, opportunities and vehicles each
created in one batch — and a running referral campaign paying a coupon of the
loyalty app, then measures on the same data, each in a transaction rolled back
afterwards:

* ``showroom.campaign.reward._showroom_issue_for_deliveries`` on the N vehicles at
  once (what one validation of N deliveries runs): N rewards and N loyalty cards;
* the naive way: the same method called vehicle by vehicle (what N separate
  validations, or a per-record hook, would run).

It prints the wall time and the number of SQL queries of each, and the ratio.
Run it through ``benchmarks/run campaign_rewards [--vehicles N]``.
"""

import time
from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, superuser_env

from odoo import Command

SEED_TAG = "bench-campaign"


def seed(env, count):
    """``count`` delivered vehicles of referred opportunities and a running
    referral campaign; returns the vehicle ids (earlier seeds are reused when
    there are enough of them)."""
    from odoo.addons.crm_showroom.tools.vin import with_check_digit  # noqa: PLC0415 - addons path set by now

    vehicles = env["showroom.vehicle"].search([("vin", "=like", "LBENCHC%")], limit=count)
    company = env.company
    today = company._showroom_today()
    campaign = env["showroom.campaign"].search([("name", "=", SEED_TAG)], limit=1)
    if not campaign:
        program = env["loyalty.program"].create(
            {
                "name": SEED_TAG,
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "reward_ids": [Command.create({"discount_mode": "per_order", "discount": 500})],
            }
        )
        campaign = env["showroom.campaign"].create(
            {
                "name": SEED_TAG,
                "campaign_type": "referral",
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=365),
                "loyalty_program_id": program.id,
                "reward_cost": 500.0,
                "state": "running",
            }
        )
    campaign.write({"date_start": today - timedelta(days=30), "date_end": today + timedelta(days=365)})
    if len(vehicles) >= count:
        vehicles.write({"delivery_date": today})
        return vehicles.ids
    missing = count - len(vehicles)
    product = env["product.product"].search([("default_code", "=", SEED_TAG)], limit=1) or env[
        "product.product"
    ].create({"name": "Bench Jolion", "default_code": SEED_TAG, "is_vehicle": True, "list_price": 99800})
    referrers = env["res.partner"].create([{"name": f"Bench Referrer {i}", "ref": SEED_TAG} for i in range(200)])
    buyers = env["res.partner"].create([{"name": f"Bench Buyer {i}", "ref": SEED_TAG} for i in range(missing)])
    channel = env.ref("crm_showroom.channel_referral")
    quiet = {"mail_activity_automation_skip": True, "tracking_disable": True, "mail_create_nolog": True}
    leads = (
        env["crm.lead"]
        .with_context(**quiet)
        .create(
            [
                {
                    "name": f"Bench referral {i}",
                    "type": "opportunity",
                    "partner_id": buyer.id,
                    "showroom_channel_id": channel.id,
                    "showroom_referrer_id": referrers[i % len(referrers)].id,
                }
                for i, buyer in enumerate(buyers)
            ]
        )
    )
    start = len(vehicles)
    lots = env["stock.lot"].create(
        [
            {
                "name": with_check_digit(f"LBENCHC00TC{start + i:06d}"),
                "product_id": product.id,
                "company_id": company.id,
            }
            for i in range(missing)
        ]
    )
    new = (
        env["showroom.vehicle"]
        .with_context(**quiet)
        .create(
            [
                {
                    "lot_id": lot.id,
                    "state": "delivered",
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "delivery_date": today,
                    "company_id": company.id,
                }
                for lot, lead in zip(lots, leads, strict=True)
            ]
        )
    )
    return (vehicles | new).ids


def issue_batch(env, vehicle_ids):
    return len(
        env["showroom.campaign.reward"]._showroom_issue_for_deliveries(env["showroom.vehicle"].browse(vehicle_ids))
    )


def issue_per_vehicle(env, vehicle_ids):
    Reward = env["showroom.campaign.reward"]
    issued = 0
    for vehicle in env["showroom.vehicle"].browse(vehicle_ids):
        issued += len(Reward._showroom_issue_for_deliveries(vehicle))
    env.flush_all()
    return issued


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--vehicles", type=int, default=1000)
    args, registry = open_registry(parser)

    start = time.perf_counter()
    with superuser_env(registry) as env:
        vehicle_ids = seed(env, args.vehicles)
        env.cr.commit()
    seconds = time.perf_counter() - start
    print(f"seeded {len(vehicle_ids):,} delivered vehicles of referred opportunities in {seconds:.1f} s")

    results = {}
    for label, func in (("batch (ours)", issue_batch), ("per vehicle (naive)", issue_per_vehicle)):
        with superuser_env(registry) as env:
            issued, seconds, queries = measure(env, func, vehicle_ids)
            env.cr.rollback()
        results[label] = (seconds, queries)
        print(
            f"{label:20}: {seconds:7.2f} s {queries:>8,} queries  {issued:,} rewards "
            f"({queries / max(len(vehicle_ids), 1):.2f} queries per vehicle)"
        )
    ours_time, ours_queries = results["batch (ours)"]
    naive_time, naive_queries = results["per vehicle (naive)"]
    print(
        f"RESULT rewards of {len(vehicle_ids):,} deliveries: {ours_time:.2f} s, {naive_time / ours_time:.1f}x faster "
        f"than per vehicle, {ours_queries:,} queries vs {naive_queries:,}"
    )


if __name__ == "__main__":
    main()
