"""Benchmark of the handover of a leaving consultant's customers (G1).

Seeds one consultant holding N open showroom opportunities (default 5,000), each
with F open follow-ups (default 4: 20,000), with bulk SQL inserts, and two
consultants to receive them. Then measures, on the same data (each side rolled
back):

* the naive way: a loop per opportunity writing its new consultant and posting
  the reason in its chatter;
* the wizard, ``showroom.handover`` split evenly between the two consultants;
* the reassignment of the follow-ups alone: stock ``mail.activity.write`` on
  ``user_id`` (which subscribes the new assignee one document at a time) against
  ``mail.activity._showroom_reassign``.

It prints the wall time and the number of SQL queries of each, the ratios, and
checks that everything moved. Run it through
``benchmarks/run handover [--opportunities N] [--followups F]``.
"""

from _common import benchmark_parser, measure, open_registry, seed_open_opportunities, superuser_env

SEED_TAG = "bench-handover"
REASON = "Benchmark: the consultant leaves."


def seed(env, opportunities, followups):
    """The leaving consultant's opportunities and follow-ups, and two recipients."""
    consultant_group = env.ref("crm_showroom.group_showroom_consultant")
    (leaving,), total, _gaps = seed_open_opportunities(
        env,
        tag=SEED_TAG,
        team_name="Benchmark Handover",
        login_prefix="bench_handover_leaving_",
        consultants=1,
        leads=opportunities,
        gap_ratio=1 / opportunities,  # all but the first have their follow-up
        deadlines=(0, 10),
    )
    env.cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, user_id, date_deadline,
                                   summary, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT a.res_model_id, a.res_model, a.res_id, a.activity_type_id, a.user_id, a.date_deadline + n,
               a.summary, TRUE, TRUE, now(), now(), 1, 1
          FROM mail_activity a, generate_series(1, %(extra)s) AS n
         WHERE a.res_model = 'crm.lead' AND a.summary = %(tag)s
        """,
        {"extra": followups - 1, "tag": SEED_TAG},
    )
    # the opportunities meet the entry standard (R2.2), as real ones do: a change of their
    # consultant re-checks it
    county = env["res.city"].search([("name", "=", "保定市定州市")], limit=1)
    env.cr.execute(
        """
        UPDATE crm_lead
           SET showroom_channel_id = %(channel)s, showroom_purchase_type = 'first', showroom_customer_kind = 'person',
               country_id = %(country)s, state_id = %(state)s, city_id = %(city)s, city = %(city_name)s,
               street = '中山路 88 号'
         WHERE referred = %(tag)s
        """,
        {
            "channel": env.ref("crm_showroom.channel_walk_in").id,
            "country": county.country_id.id,
            "state": county.state_id.id,
            "city": county.id,
            "city_name": county.name,
            "tag": SEED_TAG,
        },
    )
    recipients = env["res.users"].search([("login", "in", ["bench_handover_to_1", "bench_handover_to_2"])])
    recipients |= env["res.users"].create(
        [
            {"name": f"Bench Recipient {n}", "login": login, "tz": "Asia/Shanghai"}
            for n, login in enumerate(["bench_handover_to_1", "bench_handover_to_2"], 1)
            if login not in recipients.mapped("login")
        ]
    )
    (leaving | recipients).write({"groups_id": [(4, consultant_group.id)]})
    # consultants of the same showroom: members of its team (else stock crm moves each opportunity to their
    # default team, one query per opportunity)
    team = env["crm.team"].search([("name", "=", "Benchmark Handover")])
    team.member_ids |= leaving | recipients
    env.cr.execute("ANALYZE mail_activity")
    return leaving, recipients, total


def naive_handover(env, leaving, recipients):
    """What one writes without thinking: per opportunity, its new consultant and a chatter note."""
    leads = env["crm.lead"].search([("user_id", "=", leaving.id), ("referred", "=", SEED_TAG)], order="id")
    for index, lead in enumerate(leads):
        lead.write({"user_id": recipients[index % len(recipients)].id})
        lead.message_post(body=REASON, subtype_xmlid="mail.mt_note")
    return len(leads)


def wizard_handover(env, leaving, recipients):
    wizard = env["showroom.handover"].create(
        {"user_id": leaving.id, "recipient_ids": [(6, 0, recipients.ids)], "reason": REASON}
    )
    return wizard._showroom_hand_over()["opportunity"]


def stock_reassign(env, leaving, recipients):
    followups = env["mail.activity"].search([("user_id", "=", leaving.id), ("summary", "=", SEED_TAG)])
    followups.with_context(mail_activity_quick_update=True).write({"user_id": recipients[0].id})
    return len(followups)


def showroom_reassign(env, leaving, recipients):
    followups = env["mail.activity"].search([("user_id", "=", leaving.id), ("summary", "=", SEED_TAG)])
    followups._showroom_reassign(recipients[0])
    return len(followups)


def held(env, leaving):
    return env["mail.activity"].search_count([("user_id", "=", leaving.id), ("summary", "=", SEED_TAG)])


def run(registry, func, ids):
    """``func`` measured on the seeded data in its own transaction, rolled back."""
    with superuser_env(registry) as env:
        leaving, recipients = env["res.users"].browse(ids[0]), env["res.users"].browse(ids[1])
        result, seconds, queries = measure(env, func, leaving, recipients)
        left = held(env, leaving)
        env.cr.rollback()
    return result, seconds, queries, left


def main():
    parser = benchmark_parser(__doc__)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--followups", type=int, default=4, help="open follow-ups per opportunity")
    args, registry = open_registry(parser)

    with superuser_env(registry) as env:
        leaving, recipients, total = seed(env, args.opportunities, args.followups)
        ids = (leaving.id, recipients.ids)
        followups = held(env, leaving)
        env.cr.commit()
    print(f"seeded one consultant with {total:,} open showroom opportunities and {followups:,} open follow-ups")

    figures = {}
    for name, func in (
        ("naive loop", naive_handover),
        ("wizard", wizard_handover),
        ("stock write", stock_reassign),
        ("reassign", showroom_reassign),
    ):
        moved, seconds, queries, left = run(registry, func, ids)
        figures[name] = (seconds, queries)
        print(f"{name:12}: {seconds:8.2f} s  {queries:>8,} queries  ({moved:,} moved, {left:,} follow-ups left)")
        if left:
            raise SystemExit(f"{name}: {left} follow-ups were not handed over")

    (naive_s, naive_q), (wizard_s, wizard_q) = figures["naive loop"], figures["wizard"]
    (stock_s, stock_q), (bulk_s, bulk_q) = figures["stock write"], figures["reassign"]
    print(
        f"RESULT handover of {total:,} opportunities with {followups:,} follow-ups: {wizard_s:.2f} s, "
        f"{wizard_q:,} queries; {naive_s / wizard_s:.1f}x faster than the per-record loop ({naive_q:,} queries). "
        f"Follow-ups alone: {bulk_s:.2f} s / {bulk_q:,} queries vs stock write {stock_s:.2f} s / {stock_q:,} "
        f"queries ({stock_s / bulk_s:.1f}x)"
    )


if __name__ == "__main__":
    main()
