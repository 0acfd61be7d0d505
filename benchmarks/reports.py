"""Benchmark of the funnel and sales composition reports (G6, R3).

Seeds N showroom opportunities (default 200,000) over C consultants (default 200),
four source channels, five car models and every grade, with bulk SQL: their grade
history (a creation row each; a third enter H, half of those become O within the
7 days of grade H, half after 10), a fifth won, a tenth with a confirmed contract of
one car, and A done follow-ups (default 2,000,000, the weight of a real database's
activities). Then measures, on the same data:

* the naive way: a Python loop over the opportunities, their grade history read
  per opportunity, and over the contracts' lines;
* the reports, each read as the pivot reads it (``read_group``): the funnel by
  source channel, by consultant and by grade, the composition by customer grade,
  by model, by county and by showroom month.

It prints the wall time and the SQL queries of both sides, the slowest report read
(the target: under a second for 200,000 opportunities on 2 cores), the ratio, and
checks that both count the same. Run it through
``benchmarks/run reports [--leads N] [--activities A] [--consultants C] [--reuse]``.
"""

import statistics
from collections import Counter, defaultdict
from datetime import timedelta

from _common import benchmark_parser, measure, open_registry, superuser_env

SEED_TAG = "bench-reports"
TEAM_NAME = "Benchmark Reports"

FUNNEL_GROUPS = ("channel_id", "user_id", "grade_id")
FUNNEL_MEASURES = ("opportunity_count:sum", "won_count:sum", "entered_h_count:sum", "h_to_o_count:sum")
COMPOSITION_GROUPS = ("grade_id", "product_tmpl_id", "city_id", "date:month")


def seed(env, *, leads, consultants, activities):
    """The data set (the previous seed is removed first); returns the team."""
    cr = env.cr
    cr.execute("SELECT id FROM crm_lead WHERE referred = %s", [SEED_TAG])
    old = [row[0] for row in cr.fetchall()]
    if old:
        cr.execute("DELETE FROM sale_order WHERE client_order_ref = %s", [SEED_TAG])
        cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND summary = %s", [SEED_TAG])
        cr.execute("DELETE FROM showroom_grade_history WHERE lead_id = ANY(%s)", [old])
        cr.execute("DELETE FROM crm_lead WHERE id = ANY(%s)", [old])
    company = env.company
    company.showroom_tz = "Asia/Shanghai"
    team = env["crm.team"].search([("name", "=", TEAM_NAME)], limit=1) or env["crm.team"].create(
        {"name": TEAM_NAME, "is_showroom": True}
    )
    users = env["res.users"].search([("login", "like", "bench_reports_%")], order="id")
    users |= env["res.users"].create(
        [
            {"name": f"Bench Consultant {i}", "login": f"bench_reports_{i}", "tz": "Asia/Shanghai"}
            for i in range(len(users), consultants)
        ]
    )
    users = users[:consultants]
    models_ = env["product.template"].search([("name", "like", "Bench Model %")], order="id")
    models_ |= env["product.template"].create(
        [
            {"name": f"Bench Model {i}", "is_vehicle": True, "list_price": 100000 + 10000 * i}
            for i in range(len(models_), 5)
        ]
    )
    products = models_.product_variant_ids
    channels = env["showroom.source.channel"].search([], limit=4)
    grades = {grade.code: grade for grade in env["showroom.grade"].search([])}
    counties = env["res.city"].search([("country_id.code", "=", "CN")], limit=20)
    partner = env["res.partner"].search([("name", "=", "Bench Reports Customer")], limit=1) or env[
        "res.partner"
    ].create({"name": "Bench Reports Customer"})
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    env.flush_all()
    params = {
        "team": team.id,
        "users": users.ids,
        "nusers": len(users),
        "stage": stage.id,
        "won_stage": won_stage.id,
        "company": company.id,
        "grades": [grade.id for grade in grades.values()],
        "ngrades": len(grades),
        "channels": channels.ids,
        "nchannels": len(channels),
        "products": products.ids,
        "nproducts": len(products),
        "counties": counties.ids,
        "ncounties": len(counties),
        "tag": SEED_TAG,
        "leads": leads,
        "h": grades["H"].id,
        "o": grades["O"].id,
    }
    # opportunities over the last 400 days; every 5th won
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id, company_id, probability,
                              showroom_grade_id, showroom_channel_id, showroom_product_id, city_id, contact_name,
                              referred, create_date, write_date, create_uid, write_uid, date_open,
                              showroom_test_drive, showroom_lost_request_state)
        SELECT 'Bench lead ' || n, 'opportunity', TRUE, %(team)s, (%(users)s)[1 + n %% %(nusers)s],
               CASE WHEN n %% 5 = 0 THEN %(won_stage)s ELSE %(stage)s END, %(company)s, 10,
               (%(grades)s)[1 + (n / %(nusers)s) %% %(ngrades)s], (%(channels)s)[1 + n %% %(nchannels)s],
               (%(products)s)[1 + n %% %(nproducts)s], (%(counties)s)[1 + n %% %(ncounties)s], 'Customer ' || n,
               %(tag)s, now() - (n %% 400) * interval '1 day' - (n %% 24) * interval '1 hour', now(), 1, 1, now(),
               'none', 'none'
          FROM generate_series(1, %(leads)s) AS n
        """,
        params,
    )
    # grade history: the creation; a third enter H 1 day later; half of those O 5 days after, half 10
    cr.execute(
        """
        WITH lead AS (
            SELECT id, showroom_grade_id, create_date, user_id, row_number() OVER (ORDER BY id) AS n
              FROM crm_lead WHERE referred = %(tag)s
        ), change AS (
            SELECT id, NULL::int AS old, showroom_grade_id AS new, create_date AS date, user_id FROM lead
            UNION ALL
            SELECT id, showroom_grade_id, %(h)s, create_date + interval '1 day', user_id FROM lead WHERE n %% 3 = 0
            UNION ALL
            SELECT id, %(h)s, %(o)s,
                   create_date + interval '1 day'
                       + CASE WHEN n %% 2 = 0 THEN interval '5 days' ELSE interval '10 days' END,
                   user_id
              FROM lead WHERE n %% 3 = 0
        )
        INSERT INTO showroom_grade_history (lead_id, old_grade_id, new_grade_id, date, day, user_id, company_id,
                                            team_id, create_uid, create_date, write_uid, write_date)
        SELECT id, old, new, date, (date AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date, user_id,
               %(company)s, %(team)s, 1, now(), 1, now()
          FROM change WHERE old IS DISTINCT FROM new
        """,
        params,
    )
    # a confirmed contract of one car for every 10th opportunity
    cr.execute(
        """
        WITH lead AS (
            SELECT id, user_id, showroom_product_id, create_date, row_number() OVER (ORDER BY id) AS n
              FROM crm_lead WHERE referred = %(tag)s
        ), sale AS (
            INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id, partner_shipping_id,
                                    picking_policy, date_order, state, opportunity_id, user_id, team_id,
                                    currency_id, currency_rate, client_order_ref, create_date, write_date,
                                    create_uid, write_uid)
            SELECT 'BENCH/' || lead.id, %(company)s, %(partner)s, %(partner)s, %(partner)s, 'direct',
                   lead.create_date + interval '3 days', 'sale', lead.id, lead.user_id, %(team)s, %(currency)s, 1.0,
                   %(tag)s, now(), now(), 1, 1
              FROM lead WHERE n %% 10 = 0
            RETURNING id, opportunity_id
        )
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty, qty_delivered, price_unit,
                                     price_subtotal, customer_lead, company_id, currency_id, create_date,
                                     write_date, create_uid, write_uid)
        SELECT sale.id, 'Bench car', lead.showroom_product_id, 1, 1, 150000, 150000, 0, %(company)s, %(currency)s,
               now(), now(), 1, 1
          FROM sale JOIN lead ON lead.id = sale.opportunity_id
        """,
        {**params, "partner": partner.id, "currency": company.currency_id.id},
    )
    # the done follow-ups: the weight of the activities table
    cr.execute(
        """
        WITH lead AS (SELECT array_agg(id) AS ids FROM crm_lead WHERE referred = %(tag)s)
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model_id)s, 'crm.lead', lead.ids[1 + n %% %(leads)s], %(type)s, (%(users)s)[1 + n %% %(nusers)s],
               current_date - (n %% 400), %(tag)s, FALSE, TRUE, now(), now(), 1, 1
          FROM lead, generate_series(1, %(activities)s) AS n
        """,
        {
            **params,
            "model_id": env["ir.model"]._get_id("crm.lead"),
            "type": env.ref("crm_showroom.activity_type_followup").id,
            "activities": activities,
        },
    )
    for table in ("crm_lead", "showroom_grade_history", "sale_order", "sale_order_line", "mail_activity"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - a fixed table name
    return team


def naive_figures(env, team):
    """What one writes without thinking: a loop over the opportunities, each one's
    grade history read on its own, and over the contracts' lines."""
    figures = Counter()
    window = env["showroom.grade"].search([("code", "=", "H")]).order_window_days
    History = env["showroom.grade.history"]
    leads = (
        env["crm.lead"]
        .with_context(active_test=False)
        .search([("team_id", "=", team.id), ("type", "=", "opportunity")])
    )
    for lead in leads:
        won = lead.active and lead.stage_id.is_won
        entered_h = History.search(
            [("lead_id", "=", lead.id), ("new_grade_id.code", "=", "H")], order="date, id", limit=1
        )
        in_time = bool(
            entered_h
            and window
            and History.search_count(
                [
                    ("lead_id", "=", lead.id),
                    ("new_grade_id.code", "=", "O"),
                    ("date", ">=", entered_h.date),
                    ("day", "<=", entered_h.day + timedelta(days=window)),
                ]
            )
        )
        for group, key in (
            ("channel_id", lead.showroom_channel_id),
            ("user_id", lead.user_id),
            ("grade_id", lead.showroom_grade_id),
        ):
            for name, value in (
                ("opportunity_count", 1),
                ("won_count", won),
                ("entered_h_count", bool(entered_h)),
                ("h_to_o_count", in_time),
            ):
                figures["funnel", group, key.id, name] += int(value)
    orders = env["sale.order"].search([("opportunity_id", "in", leads.ids), ("state", "=", "sale")])
    for order in orders:
        lead = order.opportunity_id
        day = order.company_id._showroom_date_of(order.date_order)
        for line in order.order_line:
            if not line.product_id.is_vehicle:
                continue
            keys = {
                "grade_id": (lead.showroom_grade_before_order_id or lead.showroom_grade_id).id,
                "product_tmpl_id": line.product_id.product_tmpl_id.id,
                "city_id": (lead.city_id or order.partner_id.city_id).id,
                "date:month": str(day.replace(day=1)),
            }
            for group, key in keys.items():
                figures["composition", group, key, "quantity"] += line.product_uom_qty
    return +figures


def report_figures(env, team, timings):
    """The reports as their pivots read them, each read timed."""
    figures = Counter()
    reads = [("funnel", "showroom.funnel.report", group, FUNNEL_MEASURES) for group in FUNNEL_GROUPS]
    reads += [
        ("composition", "showroom.sale.composition.report", group, ("quantity:sum",)) for group in COMPOSITION_GROUPS
    ]
    for kind, model, group, measures in reads:
        (rows, seconds, _queries) = measure(
            env,
            lambda env, model=model, group=group, measures=measures: env[model].read_group(
                [("team_id", "=", team.id)], list(measures), [group], lazy=False
            ),
        )
        timings[f"{kind} by {group}"].append(seconds)
        for row in rows:
            value = row[group]
            key = value[0] if isinstance(value, tuple) else value
            if group == "date:month":
                key = row["__range"][group]["from"]
            for spec in measures:
                name = spec.split(":")[0]
                if row[name]:
                    figures[kind, group, key, name] += row[name]
    return +figures


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--consultants", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="runs of the reports (the median is reported)")
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous seed")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        if args.reuse:
            team_id = env["crm.team"].search([("name", "=", TEAM_NAME)], limit=1).id
            env.cr.execute("SELECT COUNT(*) FROM crm_lead WHERE referred = %s", [SEED_TAG])
            print(f"reusing the seeded {env.cr.fetchone()[0]:,} showroom opportunities")
        else:
            team_id = seed(env, leads=args.leads, consultants=args.consultants, activities=args.activities).id
            env.cr.commit()
            print(f"seeded {args.leads:,} showroom opportunities, {args.activities:,} done follow-ups")

    with superuser_env(registry) as env:
        naive, naive_time, naive_queries = measure(env, naive_figures, env["crm.team"].browse(team_id))
    print(f"naive loop : {naive_time:8.2f} s  {naive_queries:>9,} queries")

    timings = defaultdict(list)
    totals, queries = [], []
    with superuser_env(registry) as env:
        for _run in range(args.runs):
            figures, run_time, run_queries = measure(env, report_figures, env["crm.team"].browse(team_id), timings)
            totals.append(run_time)
            queries.append(run_queries)
    for name, seconds in timings.items():
        print(f"  {name:<32} {statistics.median(seconds):6.3f} s")
    slowest_name, slowest = max(((name, statistics.median(s)) for name, s in timings.items()), key=lambda t: t[1])
    total = statistics.median(totals)
    print(
        f"reports    : {total:8.2f} s  {max(queries):>9,} queries for {len(timings)} reads (median of {args.runs} runs)"
    )
    same = figures == naive
    print(
        f"RESULT funnel and composition on {args.leads:,} opportunities, {args.activities:,} activities: "
        f"slowest read {slowest:.2f} s ({slowest_name}), all {len(timings)} reads {total:.2f} s, "
        f"{naive_time / total:.1f}x faster than the Python loop ({max(queries):,} queries vs {naive_queries:,}); "
        f"same figures: {same}"
    )
    if not same:
        for key in sorted(set(figures) | set(naive), key=str)[:20]:
            if figures.get(key) != naive.get(key):
                print("  differs:", key, "report", figures.get(key), "naive", naive.get(key))
        raise SystemExit("the reports and the Python loop disagree")


if __name__ == "__main__":
    main()
