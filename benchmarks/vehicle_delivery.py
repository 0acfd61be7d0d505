"""Benchmark of delivery day in batch (issue 3, R5.1).

Seeds N vehicles (default 1,000) in stock — VIN lots created in one batch, their
quants with one bulk SQL insert — and N confirmed sale orders of one vehicle each
for 10 consultants, then measures on the same data, each in a transaction rolled
back afterwards:

* the whole delivery: the N transfers validated at once (Odoo's stock work, the
  vehicles registered, the 4 x N post-purchase follow-ups created);
* the post-purchase plan alone on the N delivered vehicles, three ways:
  ``showroom.vehicle._showroom_launch_post_purchase_plan`` (one batch), the naive
  loop of the standard "Launch plan" dialog (``mail.activity.schedule``) per
  vehicle, and a loop of ``activity_schedule`` per template per vehicle.

It prints the wall time and the number of SQL queries of each, and the ratios.
Run it through ``benchmarks/run vehicle_delivery [--vehicles N]``.
"""

import time

from _common import benchmark_parser, measure, open_registry, superuser_env

from odoo import Command

SEED_TAG = "bench-vehicle"


def seed(env, count):
    """``count`` vehicle VINs in WH/Stock and as many confirmed orders (previous
    seeds are archived out of the way: their VINs stay unique)."""
    from odoo.addons.crm_showroom.tools.vin import with_check_digit  # noqa: PLC0415 - addons path set by now

    cr = env.cr
    old = env["sale.order"].search([("client_order_ref", "=", SEED_TAG), ("state", "!=", "cancel")])
    old.with_context(disable_cancel_warning=True).action_cancel()
    run = env["ir.config_parameter"].sudo().get_param("crm_showroom.bench_vehicle_run", "0")
    run = int(run) + 1
    env["ir.config_parameter"].sudo().set_param("crm_showroom.bench_vehicle_run", str(run))

    users = env["res.users"].search([("login", "like", "bench_vehicle_consultant_%")])
    consultant_group = env.ref("crm_showroom.group_showroom_consultant")
    for i in range(len(users), 10):
        users |= env["res.users"].create(
            {
                "name": f"Bench Vehicle Consultant {i}",
                "login": f"bench_vehicle_consultant_{i}",
                "groups_id": [Command.link(consultant_group.id)],
            }
        )
    customers = env["res.partner"].search([("ref", "=", SEED_TAG)])
    if len(customers) < 50:
        customers |= env["res.partner"].create(
            [{"name": f"Bench Customer {i}", "ref": SEED_TAG} for i in range(len(customers), 50)]
        )
    product = env["product.product"].search([("default_code", "=", SEED_TAG)], limit=1)
    if not product:
        product = env["product.product"].create(
            {"name": "Bench H6", "default_code": SEED_TAG, "is_vehicle": True, "list_price": 150000}
        )

    # VINs: plant code by run, serial by vehicle (ISO 3779 check digit computed)
    plant = "ABCDEFGHJKLMNPRSTUVWXYZ"[run % 23] + "ABCDEFGHJKLMNPRSTUVWXYZ"[(run // 23) % 23]
    lots = env["stock.lot"].create(
        [
            {"name": with_check_digit(f"LGWEF6A50T{plant}{serial:05d}"), "product_id": product.id}
            for serial in range(count)
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    env.flush_all()
    cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, lot_id, company_id, quantity, reserved_quantity,
                                 in_date, create_date, write_date, create_uid, write_uid)
        SELECT %(product)s, %(location)s, lot_id, %(company)s, 1, 0, now(), now(), now(), 1, 1
          FROM unnest(%(lots)s::int[]) AS lot_id
        """,
        {"product": product.id, "location": warehouse.lot_stock_id.id, "company": env.company.id, "lots": lots.ids},
    )
    env.invalidate_all()
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % len(customers)].id,
                "user_id": users[i % len(users)].id,
                "client_order_ref": SEED_TAG,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
            for i in range(count)
        ]
    )
    orders.action_confirm()
    pickings = orders.picking_ids
    pickings.action_assign()
    pickings.move_ids.picked = True
    env.flush_all()
    cr.execute("ANALYZE stock_quant")
    cr.execute("ANALYZE mail_activity")
    return pickings.ids


def deliver(env, picking_ids):
    env["stock.picking"].browse(picking_ids).button_validate()
    env.flush_all()


def delivered_vehicles(env, picking_ids):
    """Validate the transfers without launching the plan (not measured)."""
    env["stock.picking"].with_context(mail_activity_automation_skip=True).browse(picking_ids).button_validate()
    env.flush_all()
    return env["showroom.vehicle"].search([("delivery_picking_id", "in", picking_ids)])


def launch_batch(env, vehicles):
    activities = vehicles.with_env(env)._showroom_launch_post_purchase_plan()
    env.flush_all()
    return len(activities)


def launch_wizard_per_vehicle(env, vehicles):
    """What one writes without thinking: the "Launch plan" dialog, vehicle by vehicle."""
    plan = env.ref("crm_showroom.activity_plan_post_purchase")
    Schedule = env["mail.activity.schedule"]
    for vehicle in vehicles.with_env(env):
        Schedule.with_context(active_model="showroom.vehicle", active_ids=vehicle.ids).create(
            {
                "plan_id": plan.id,
                "plan_date": vehicle.delivery_date,
                "plan_on_demand_user_id": vehicle.user_id.id,
            }
        ).action_schedule_plan()
    env.flush_all()
    return env["mail.activity"].search_count([("res_model", "=", "showroom.vehicle"), ("res_id", "in", vehicles.ids)])


def launch_activity_schedule_loop(env, vehicles):
    """activity_schedule per template per vehicle."""
    plan = env.ref("crm_showroom.activity_plan_post_purchase")
    for vehicle in vehicles.with_env(env):
        for template in plan.template_ids:
            vehicle.activity_schedule(
                activity_type_id=template.activity_type_id.id,
                summary=template.summary,
                note=template.note,
                user_id=vehicle.user_id.id,
                date_deadline=template._get_date_deadline(vehicle.delivery_date),
            )
    env.flush_all()
    return env["mail.activity"].search_count([("res_model", "=", "showroom.vehicle"), ("res_id", "in", vehicles.ids)])


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--vehicles", type=int, default=1000)
    args, registry = open_registry(parser)
    context = {"tz": "Asia/Shanghai"}

    start = time.perf_counter()
    with superuser_env(registry, context) as env:
        picking_ids = seed(env, args.vehicles)
        env.cr.commit()
    print(
        f"seeded {args.vehicles:,} vehicles in stock and as many confirmed orders "
        f"in {time.perf_counter() - start:.1f} s"
    )

    with superuser_env(registry, context) as env:
        _none, deliver_time, deliver_queries = measure(env, deliver, picking_ids)
        vehicles = env["showroom.vehicle"].search([("delivery_picking_id", "in", picking_ids)])
        created = env["mail.activity"].search_count(
            [("res_model", "=", "showroom.vehicle"), ("res_id", "in", vehicles.ids)]
        )
        env.cr.rollback()
    print(
        f"delivery of {len(vehicles):,} vehicles in one batch (stock + vehicles + {created:,} follow-ups): "
        f"{deliver_time:7.2f} s {deliver_queries:>8,} queries"
    )

    results = {}
    for label, func in (
        ("plan, batch (ours)", launch_batch),
        ("plan, dialog per vehicle", launch_wizard_per_vehicle),
        ("plan, activity_schedule loop", launch_activity_schedule_loop),
    ):
        with superuser_env(registry, context) as env:
            vehicles = delivered_vehicles(env, picking_ids)
            created, seconds, queries = measure(env, func, vehicles)
            env.cr.rollback()
        results[label] = (seconds, queries)
        print(
            f"{label:30}: {seconds:7.2f} s {queries:>8,} queries  {created:,} follow-ups "
            f"({queries / max(len(vehicles), 1):.2f} queries per vehicle)"
        )

    ours_time, ours_queries = results["plan, batch (ours)"]
    for label in ("plan, dialog per vehicle", "plan, activity_schedule loop"):
        seconds, queries = results[label]
        print(
            f"RESULT batch launch vs {label[6:]}: {seconds / ours_time:.1f}x faster, "
            f"{queries:,} queries vs {ours_queries:,} ({queries / max(ours_queries, 1):.0f}x fewer)"
        )


if __name__ == "__main__":
    main()
