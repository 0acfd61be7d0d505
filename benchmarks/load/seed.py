"""The users of the load test, in the demo's showroom company (``odoo-bin shell``).

Run by ``benchmarks/load/run`` as ``odoo-bin shell -d DB < seed.py`` (``env`` is
the shell's): creates what is missing of ``LOAD_CONSULTANTS`` consultants in the
showroom team (``loadc01``…), ``LOAD_TELEMARKETING`` telemarketing users
(``loadt01``…), ``LOAD_MANAGERS`` managers (``loadm01``…) and ``LOAD_FINANCE``
finance users (``loadf01``…), password = login, each with two opportunities (so
that there are follow-ups to mark done from the first minute); hands each
telemarketing user a share of the open queue entries and five past buyers' cars of
their own; points the PDF reports at
node 1 (``report.url``: wkhtmltopdf fetches the page's assets from the server); and
writes the ids the clients need to ``LOAD_REFS`` (JSON). Idempotent: a second run
creates no user.

The busy hour comes after a night: the nightly follow-up sweep runs once first (as
its cron does), so the demo's opportunities left for it (``demo/``) have their
follow-up before the load starts, whatever faults the run has. It then gives the
nightly sweep work that a fault can interrupt: ``LOAD_SWEEP_LEADS``
open opportunities of a team of their own ("Load Sweep"), bulk-inserted without a
follow-up (``benchmarks/_common.py``), the previous run's removed first (0: none, for
a run without the cron-kill fault, which is what makes the sweep due).
"""

import json
import os
import sys
from datetime import timedelta

from odoo import Command

from odoo.addons.crm_showroom.tools.vin import with_check_digit

sys.path.insert(0, os.environ["LOAD_BENCH_DIR"])
from _common import seed_open_opportunities  # noqa: E402  (benchmarks/ is not a package)

SWEEP_TAG = "load-sweep"

ROLES = {
    # prefix: (count variable, groups, language)
    "loadc": ("LOAD_CONSULTANTS", ["crm_showroom.group_showroom_consultant"], "zh_CN"),
    "loadt": ("LOAD_TELEMARKETING", ["crm_showroom.group_showroom_telemarketing"], "zh_CN"),
    "loadm": ("LOAD_MANAGERS", ["crm_showroom.group_showroom_manager"], "en_US"),
    "loadf": ("LOAD_FINANCE", ["crm_showroom.group_showroom_finance"], "zh_CN"),
}


def seed(env):
    """Creates the missing load users and their opportunities; returns the refs."""
    company = env.ref("crm_showroom.company_showroom")
    team = env.ref("crm_showroom.team_showroom")
    refs = {
        "team_id": team.id,
        "company_id": company.id,
        "grade_ids": [env.ref(f"crm_showroom.grade_{code}").id for code in ("h", "a", "b", "c")],
        "channel_id": env.ref("crm_showroom.channel_walk_in").id,
        "country_id": env.ref("base.cn").id,
        "state_id": env.ref("base.state_cn_HE").id,
        "city_id": env.ref("l10n_cn_city.china_city_073000").id,
        "reason_ids": env["showroom.feedback.reason"].search([], limit=5).ids,
    }
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    created = {}
    for prefix, (variable, groups, lang) in ROLES.items():
        for number in range(1, int(os.environ.get(variable, "0")) + 1):
            login = f"{prefix}{number:02d}"
            if Users.search_count([("login", "=", login)]):
                continue
            # an email: a manager's instruction is posted in the chatter as them (R8.3)
            created[login] = Users.create(
                {
                    "name": f"Load {login}",
                    "login": login,
                    "password": login,
                    "email": f"{login}@load.example.com",
                    "lang": lang,
                    "tz": "Asia/Shanghai",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([env.ref("base.group_user").id] + [env.ref(g).id for g in groups])],
                }
            )
    for user in Users.search([("login", "=like", "load%"), ("email", "=", False)]):
        user.email = f"{user.login}@load.example.com"
    consultants = env["res.users"].browse([user.id for login, user in created.items() if login.startswith("loadc")])
    if consultants:
        team.member_ids = [Command.link(user.id) for user in consultants]
    for index, user in enumerate(consultants):
        env["crm.lead"].with_user(user).with_company(company).create(
            [
                {
                    "name": f"{user.login} seed {n}",
                    "type": "opportunity",
                    "team_id": team.id,
                    "user_id": user.id,
                    "contact_name": f"种子客户 {user.login} {n}",
                    "mobile": f"139{index:04d}{n:04d}",
                    "showroom_grade_id": refs["grade_ids"][n % len(refs["grade_ids"])],
                    "showroom_channel_id": refs["channel_id"],
                    "showroom_purchase_type": "first",
                    "showroom_customer_kind": "person",
                    "country_id": refs["country_id"],
                    "state_id": refs["state_id"],
                    "city_id": refs["city_id"],
                    "street": "中山路 88 号",
                }
                for n in (1, 2)
            ]
        )
    telemarketing = Users.search([("login", "=like", "loadt%")], order="login")
    refs["vehicle_ids"] = seed_vehicles(env, company, telemarketing)
    calls = env["showroom.milestone.call"].search([("state", "=", "open"), ("company_id", "=", company.id)])
    for index, call in enumerate(calls):
        if telemarketing and call.user_id not in telemarketing:
            call.user_id = telemarketing[index % len(telemarketing)]
    env["ir.config_parameter"].set_param("report.url", os.environ["LOAD_REPORT_URL"])
    # last night's sweep (R4.1), before this run's sweep work is seeded
    env["crm.lead"]._cron_showroom_followup_sweep()
    env.cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'crm.lead'"
        " AND res_id IN (SELECT id FROM crm_lead WHERE referred = %s)",
        [SWEEP_TAG],
    )
    seed_open_opportunities(
        env, tag=SWEEP_TAG, team_name="Load Sweep", login_prefix="loadsweep", consultants=10,
        leads=int(os.environ.get("LOAD_SWEEP_LEADS", "0")), gap_ratio=1,
    )
    return refs


def seed_vehicles(env, company, telemarketing, per_user=5):
    """Each telemarketing user's own past buyers: ``per_user`` delivered cars (a year
    ago, a delivery reading of 0 km) per user, missing ones created; returns
    ``{login: vehicle ids}``. Two telemarketing users never call one customer at
    once, so two readings of one car never race (R6.1 would refuse the lower one)."""
    product = env.ref("crm_showroom.mileage_demo_lot_guo").product_id
    delivered = company._showroom_today() - timedelta(days=365)
    Vehicle = env["showroom.vehicle"].with_company(company).with_context(mail_create_nolog=True, tracking_disable=True)
    # a valid VIN (R5.1): LGWLTM + the user's number, the check digit, LD + the car's number
    vins = {
        user.login: [
            with_check_digit(f"LGWLTM{user.login.removeprefix('loadt')}0LD{number:06d}")
            for number in range(1, per_user + 1)
        ]
        for user in telemarketing
    }
    cars = Vehicle.search([("vin", "in", [vin for user_vins in vins.values() for vin in user_vins])])
    existing = set(cars.mapped("vin"))
    missing = [(login, vin) for login, user_vins in vins.items() for vin in user_vins if vin not in existing]
    if missing:
        # all the missing cars at once: their lots, owners, the cars and their delivery readings
        lots = env["stock.lot"].create(
            [{"name": vin, "product_id": product.id, "company_id": company.id} for _login, vin in missing]
        )
        owners = env["res.partner"].create(
            [{"name": f"车主 {login} {vin[-2:]}", "company_id": company.id} for login, vin in missing]
        )
        new_cars = Vehicle.create(
            [
                {
                    "lot_id": lot.id,
                    "state": "delivered",
                    "partner_id": owner.id,
                    "company_id": company.id,
                    "delivery_date": delivered,
                }
                for lot, owner in zip(lots, owners, strict=True)
            ]
        )
        env["showroom.odometer"].with_company(company).create(
            [{"vehicle_id": car.id, "date": delivered, "km": 0, "source": "delivery"} for car in new_cars]
        )
        cars |= new_cars
    by_vin = {car.vin: car.id for car in cars}
    return {login: [by_vin[vin] for vin in user_vins] for login, user_vins in vins.items()}


refs = seed(env)  # noqa: F821  (env: the odoo-bin shell's)
env.cr.commit()  # noqa: F821
with open(os.environ["LOAD_REFS"], "w", encoding="utf-8") as refs_file:
    json.dump(refs, refs_file)
print(f"load seed: refs in {os.environ['LOAD_REFS']}")
