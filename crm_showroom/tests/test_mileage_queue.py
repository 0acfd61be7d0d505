from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common_mileage import ShowroomMileageCase

BEFORE_SHANGHAI_MIDNIGHT = "2026-03-10 15:59:00"  # 10 March 23:59 in Shanghai
AFTER_SHANGHAI_MIDNIGHT = "2026-03-10 16:01:00"  # 11 March 00:01 in Shanghai, still 10 March in UTC


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
@freeze_time("2026-03-10 02:00:00")
class TestMilestoneQueue(ShowroomMileageCase):
    """R6.1: the daily check puts vehicles crossing a milestone into its queue
    exactly once, with one open call for a telemarketing user (round-robin, cap);
    insurance renewals enter their queue ahead of the date."""

    def _run(self, **kwargs):
        return self.env["showroom.vehicle"]._cron_showroom_milestones(**kwargs)

    def test_crossing_50k_enters_the_queue_once(self):
        vehicle = self._make_vehicle(self._linear(date(2026, 3, 1), 49950, per_day=10))
        below = self._make_vehicle(self._linear(date(2026, 3, 1), 40000, per_day=10))
        self.assertEqual(vehicle.odometer_estimated, 50040, "estimated: 49,950 + 9 days x 10 km")
        self._run()
        call = self._calls(vehicle)
        self.assertRecordValues(
            call,
            [
                {
                    "milestone_id": self.m50.id,
                    "state": "open",
                    "user_id": self.tm1.id,
                    "partner_id": self.customer.id,
                    "date_open": date(2026, 3, 10),
                    "date_end": date(2026, 6, 10),
                    "kind": "mileage",
                }
            ],
        )
        self.assertFalse(self._calls(below))
        activity = self._open_call_activity(call)
        self.assertRecordValues(
            activity, [{"user_id": self.tm1.id, "date_deadline": date(2026, 3, 10), "summary": "50,000 km"}]
        )
        self.assertTrue(activity.showroom_feedback_required)
        # again, and again after the entry was closed: never a second entry
        self._run()
        self._run(batch_size=1)
        self.assertEqual(self._calls(vehicle), call)
        self.assertEqual(len(self._open_call_activity(call)), 1, "one open call, not one per run")
        call.state = "closed"
        self._run()
        self.assertEqual(self._calls(vehicle), call)
        # at 100,000 km, the next milestone's queue
        self.env["showroom.odometer"].with_user(self.manager).create(
            {"vehicle_id": vehicle.id, "date": date(2026, 3, 10), "km": 100001, "is_correction": True}
        )
        self._run()
        self.assertEqual(self._calls(vehicle).milestone_id, self.m50 | self.m100)

    def test_jump_over_two_milestones_queues_the_highest(self):
        vehicle = self._make_vehicle(self._linear(date(2026, 3, 1), 120000, per_day=100))
        self._run()
        self.assertEqual(self._calls(vehicle).milestone_id, self.m100)
        self._run()
        self.assertEqual(len(self._calls(vehicle)), 1, "the 50,000 km entry is not opened afterwards")

    def test_duplicate_entry_refused_by_the_database(self):
        vehicle = self._make_vehicle(self._linear(date(2026, 3, 1), 60000))
        self._run()
        call = self._calls(vehicle)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            call.copy({"date_open": date(2026, 3, 10)})

    def test_round_robin_and_cap(self):
        vehicles = self.env["showroom.vehicle"].concat(
            *(self._make_vehicle(self._linear(date(2026, 3, 1), 60000 + i)) for i in range(5))
        )
        self.company.showroom_call_cap = 2
        self._run(batch_size=2)
        calls = self._calls(vehicles).filtered(lambda call: call.state == "open")
        self.assertEqual([call.user_id.id for call in calls], [self.tm1.id, self.tm2.id, self.tm1.id, self.tm2.id])
        waiting = vehicles - calls.vehicle_id
        self.assertEqual(len(waiting), 1, "both members are full: the fifth vehicle waits")
        self.assertRecordValues(self._calls(waiting), [{"state": "waiting", "user_id": False}])
        calls[0].state = "closed"
        self.assertFalse(self._open_call_activity(calls[0]), "closed by hand: its open call is withdrawn")
        calls[1].with_user(self.manager).user_id = self.tm1
        self.assertEqual(self._open_call_activity(calls[1]).user_id, self.tm1, "the open call goes with the entry")
        calls[1].user_id = self.tm2
        self._run()
        self.assertRecordValues(self._calls(waiting), [{"user_id": self.tm1.id}])

    def test_call_summary_in_the_callers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.m50.update_field_translations("name", {"zh_CN": "5 万公里"})
        self.tm2.lang = "zh_CN"
        vehicles = self.env["showroom.vehicle"].concat(
            *(self._make_vehicle(self._linear(date(2026, 3, 1), 60000 + i)) for i in range(2))
        )
        self._run()
        summaries = {call.user_id: self._open_call_activity(call).summary for call in self._calls(vehicles)}
        self.assertEqual(summaries, {self.tm1: "50,000 km", self.tm2: "5 万公里"})

    def test_renewal_window(self):
        due = self._make_vehicle(insurance_renewal_date=date(2026, 4, 24))  # in 45 days
        later = self._make_vehicle(insurance_renewal_date=date(2026, 4, 25))  # in 46 days
        past = self._make_vehicle(insurance_renewal_date=date(2026, 3, 9))
        self._run()
        self.assertRecordValues(
            self._calls(due), [{"milestone_id": self.renewal.id, "renewal_date": date(2026, 4, 24), "kind": "renewal"}]
        )
        self.assertFalse(self._calls(later | past))
        self._run()
        self.assertEqual(len(self._calls(due)), 1)
        # renewed: next year's renewal date opens a new entry when its window comes
        due.insurance_renewal_date = date(2027, 4, 24)
        with freeze_time("2027-03-15 02:00:00"):
            self._run()
        self.assertEqual(self._calls(due).mapped("renewal_date"), [date(2026, 4, 24), date(2027, 4, 24)])

    def test_returned_vehicle_leaves_the_queue(self):
        order = self._create_order(lead=self.origin_lead)
        order.action_confirm()
        vehicle = self._deliver_order(order)
        vehicle.insurance_renewal_date = date(2026, 4, 1)
        self._run()
        call = self._calls(vehicle)
        self.assertEqual(len(self._open_call_activity(call)), 1)
        self._return(order.picking_ids, vehicle.lot_id)
        self.assertEqual(call.state, "closed")
        self.assertFalse(self._open_call_activity(call), "no call to the former owner")

    def test_cron_at_the_shanghai_day_boundary(self):
        """49,985 km on 9 March at 10 km a day: 49,995 on 10 March, 50,005 on 11 March in
        Shanghai. The cron (its user, empty context) counts the company's day."""
        cron = self.env.ref("crm_showroom.ir_cron_mileage_milestones")
        vehicle = self._make_vehicle(self._linear(date(2026, 3, 9), 49985, per_day=10))
        self.env = self.env(context={})
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):
            cron.method_direct_trigger()
            self.assertFalse(self._calls(vehicle))
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            cron.method_direct_trigger()
            call = self._calls(vehicle)
            self.assertRecordValues(call, [{"date_open": date(2026, 3, 11)}])
            self.assertEqual(self._open_call_activity(call).date_deadline, date(2026, 3, 11))

    def test_queries_grow_with_batches_not_vehicles(self):
        def run_and_count(count):
            vehicles = self.env["showroom.vehicle"].concat(
                *(self._make_vehicle(self._linear(date(2026, 3, 1), 60000 + i)) for i in range(count))
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._run(vehicle_ids=vehicles.ids)
            self.assertEqual(len(self._calls(vehicles)), count)
            return self.env.cr.sql_log_count - before

        run_and_count(2)  # warm-up
        few, many = run_and_count(3), run_and_count(30)
        self.assertLessEqual(many - few, 10, f"{few} queries for 3 vehicles, {many} for 30")


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
@freeze_time("2026-03-10 02:00:00")
class TestMilestoneOutcomes(ShowroomMileageCase):
    """R6.1: what a call's outcome does; feedback and an outcome are required."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._make_vehicle(cls._linear(date(2026, 3, 1), 52000))
        cls.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=cls.vehicle.ids)
        cls.call = cls.env["showroom.milestone.call"].search([("vehicle_id", "=", cls.vehicle.id)])

    def _lead_of(self, call):
        return self.env["crm.lead"].search([("showroom_base_vehicle_id", "=", call.vehicle_id.id)])

    def test_interested_makes_an_opportunity_for_the_consultant(self):
        self._work_call(self.call, "interested", km=52400)
        lead = self._lead_of(self.call)
        self.assertRecordValues(
            lead,
            [
                {
                    "user_id": self.consultant.id,
                    "team_id": self.team.id,
                    "showroom_channel_id": self.channel_base.id,
                    "partner_id": self.customer.id,
                    "showroom_base_vehicle_id": self.vehicle.id,
                    "showroom_trade_in": False,
                    "showroom_purchase_type": "additional",
                    "type": "opportunity",
                }
            ],
        )
        self.assertEqual(self.call.opportunity_id, lead)
        self.assertRecordValues(self.call, [{"state": "closed", "outcome": "interested", "attempt_count": 1}])
        followup = self._open_followups(lead)
        self.assertEqual(len(followup), 1, "the 48-hour follow-up")
        self.assertEqual(followup.user_id, self.consultant)
        self.assertLessEqual(followup.date_deadline, date(2026, 3, 12))
        self.assertFalse(self._open_call_activity(self.call))
        self.assertEqual(self.vehicle.odometer_last_km, 52400, "km today recorded")
        self.assertEqual(self.vehicle.odometer_ids[0].source, "call")
        # the consultant finds it among their opportunities
        self.assertEqual(self.env["crm.lead"].with_user(self.consultant).search([("id", "=", lead.id)]), lead)

    def test_trade_in_and_consultant_who_left(self):
        # a consultant archived while still holding the car (data from before the handover
        # rule, G1, which now refuses that archive): the call's opportunity goes to another
        self.env.cr.execute("UPDATE res_users SET active = FALSE WHERE id = %s", [self.consultant.id])
        self.consultant.invalidate_recordset(["active"])
        self._work_call(self.call, "trade_in")
        lead = self._lead_of(self.call)
        self.assertRecordValues(
            lead,
            [
                {
                    "user_id": self.consultant_2.id,
                    "showroom_trade_in": True,
                    "showroom_trade_in_vehicle_id": self.vehicle.id,
                    "showroom_purchase_type": "replacement",
                    "showroom_channel_id": self.channel_base.id,
                }
            ],
        )
        self.assertEqual(self._open_followups(lead).user_id, self.consultant_2)

    def test_serviced_calls_again_next_month_until_the_months_run_out(self):
        self._work_call(self.call, "serviced")
        self.assertRecordValues(self.call, [{"state": "open", "outcome": "serviced", "attempt_count": 1}])
        self.assertEqual(self._open_call_activity(self.call).date_deadline, date(2026, 4, 10))
        self.assertFalse(self._lead_of(self.call))
        with freeze_time("2026-04-10 02:00:00"):
            self._work_call(self.call, "serviced")
        self.assertEqual(self._open_call_activity(self.call).date_deadline, date(2026, 5, 10))
        with freeze_time("2026-05-10 02:00:00"):
            self._work_call(self.call, "serviced")
        self.assertRecordValues(self.call, [{"state": "closed", "attempt_count": 3}])
        self.assertFalse(self._open_call_activity(self.call), "3 months: no fourth call")
        done = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", self.call._name), ("res_id", "=", self.call.id)])
        )
        self.assertEqual(len(done), 3)
        self.assertTrue(all(act.showroom_feedback for act in done))

    def test_not_interested_closes(self):
        self._work_call(self.call, "not_interested")
        self.assertRecordValues(self.call, [{"state": "closed", "outcome": "not_interested"}])
        self.assertFalse(self._lead_of(self.call))

    def test_three_unreachable_in_a_row_close(self):
        self.call.milestone_id.call_months = 12
        self._work_call(self.call, "unreachable")
        self._work_call(self.call, "unreachable")
        self._work_call(self.call, "serviced")
        self.assertRecordValues(self.call, [{"state": "open", "unreachable_count": 0}])
        for _i in range(3):
            self.assertEqual(self.call.state, "open")
            self._work_call(self.call, "unreachable")
        self.assertRecordValues(self.call, [{"state": "closed", "outcome": "unreachable", "unreachable_count": 3}])

    def test_unreachable_limit_is_the_milestones(self):
        self.assertEqual(self.m50.unreachable_limit, 3, "the rule book's default is shipped")
        self.call.milestone_id.write({"call_months": 12, "unreachable_limit": 2})
        self._work_call(self.call, "unreachable")
        self.assertEqual(self.call.state, "open")
        self._work_call(self.call, "unreachable")
        self.assertRecordValues(self.call, [{"state": "closed", "unreachable_count": 2}])

    def test_feedback_and_outcome_required(self):
        activity = self._open_call_activity(self.call).with_user(self.tm1)
        with self.assertRaisesRegex(UserError, "Record what the customer said"):
            activity.action_feedback(feedback="")
        activity.showroom_feedback_reason_ids = self.reason_price
        with self.assertRaisesRegex(UserError, "Choose the outcome"):
            activity.action_feedback(feedback="Called")
        activity.showroom_call_outcome = "renewed_here"
        with self.assertRaisesRegex(UserError, "insurance renewal calls only"):
            activity.action_feedback(feedback="Called")
        self.assertTrue(activity.active)
        self.assertEqual(self.call.state, "open")

    def test_renewal_outcomes(self):
        vehicle = self._make_vehicle(insurance_renewal_date=date(2026, 4, 1))
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicle.ids)
        renewal = self._calls(vehicle)
        self._work_call(renewal, "renewed_here")
        self.assertRecordValues(renewal, [{"state": "closed", "outcome": "renewed_here"}])


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage", "showroom_security")
@freeze_time("2026-03-10 02:00:00")
class TestMileageSecurity(ShowroomMileageCase):
    """R6 security: telemarketing works its own queue entries (managers all), reads
    vehicles and readings, records readings, and never reads opportunities."""

    def test_telemarketing_rules(self):
        vehicles = self._make_vehicle(self._linear(date(2026, 3, 1), 60000)) | self._make_vehicle(
            self._linear(date(2026, 3, 1), 61000)
        )
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicles.ids)
        mine, theirs = self._calls(vehicles)
        self.assertEqual((mine.user_id, theirs.user_id), (self.tm1, self.tm2))
        Call = self.env["showroom.milestone.call"]
        self.assertEqual(Call.with_user(self.tm1).search([("vehicle_id", "in", vehicles.ids)]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.tm1).read(["state"])
        with self.assertRaises(AccessError):
            self._open_call_activity(theirs).with_user(self.tm1).read(["summary"])
        self.assertEqual(Call.with_user(self.manager).search([("vehicle_id", "in", vehicles.ids)]), mine | theirs)
        with self.assertRaises(AccessError):
            Call.with_user(self.consultant).search([])
        # no opportunities, no feedback of the showroom's follow-ups
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.tm1).search([])
        with self.assertRaises(AccessError):
            self.origin_lead.with_user(self.tm1).read(["name"])
        lead_followup = self._open_followups(self.origin_lead)
        with self.assertRaises(AccessError):
            lead_followup.with_user(self.tm1).read(["showroom_feedback"])
        # vehicles and readings: read; readings: create; vehicles: no write
        vehicle = mine.vehicle_id.with_user(self.tm1)
        self.assertEqual(vehicle.odometer_last_km, 60000)
        self.assertTrue(vehicle.odometer_ids.read(["km"]))
        self.env["showroom.odometer"].with_user(self.tm1).create(
            {"vehicle_id": vehicle.id, "date": date(2026, 3, 9), "km": 60050, "source": "call"}
        )
        with self.assertRaises(AccessError):
            vehicle.plate_number = "冀F·A1234"
        # working an entry to "interested" creates the consultant's opportunity anyway
        self._work_call(mine, "interested")
        self.assertTrue(mine.sudo().opportunity_id)
        with self.assertRaises(AccessError):
            mine.with_user(self.tm1).read(["opportunity_id"])
        # the forms of the Customer Care app open for telemarketing
        for record in (mine, vehicle, self.customer):
            with self.subTest(model=record._name):
                form = Form(record.with_user(self.tm1))
                self.assertTrue(form.id)
        # milestones: everyone reads, managers edit
        with self.assertRaises(AccessError):
            self.m50.with_user(self.tm1).km = 40000
        self.m50.with_user(self.manager).call_months = 4

    def test_consultant_readings_of_own_vehicles_only(self):
        mine = self._make_vehicle(self._linear(date(2026, 3, 1), 20000))
        theirs = self._make_vehicle(self._linear(date(2026, 3, 1), 21000), user_id=self.consultant_2.id)
        Odometer = self.env["showroom.odometer"].with_user(self.consultant)
        self.assertEqual(Odometer.search([("vehicle_id", "in", (mine | theirs).ids)]).vehicle_id, mine)
        with self.assertRaises(AccessError):
            Odometer.create({"vehicle_id": theirs.id, "date": date(2026, 3, 9), "km": 21100})


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
class TestMilestoneConcurrency(TransactionCase):
    """R6.1 at the door of concurrency: two runs of the daily check in two
    transactions (two cursors, as two cron workers) queue a vehicle once. The
    second run, whose snapshot predates the first one's commit, inserts nothing:
    the unique index stops it (``ON CONFLICT DO NOTHING``; under repeatable read
    PostgreSQL refuses the transaction, which Odoo's cron retries later)."""

    def _seed(self, env):
        product = env["product.product"].create(
            {"name": "Concurrency SUV", "is_vehicle": True, "type": "consu", "tracking": "serial", "is_storable": True}
        )
        lot = env["stock.lot"].create({"name": "LGWEF6A57TH999991", "product_id": product.id})
        partner = env["res.partner"].create({"name": "Concurrency Customer"})
        today = env.company._showroom_today()
        vehicle = env["showroom.vehicle"].create(
            {
                "lot_id": lot.id,
                "state": "delivered",
                "partner_id": partner.id,
                "delivery_date": today - timedelta(days=400),
            }
        )
        # about 65,000 km today: past the 55,555 km milestone below, far from 100,000
        env["showroom.odometer"].create(
            [
                {"vehicle_id": vehicle.id, "date": today - timedelta(days=400), "km": 0},
                {"vehicle_id": vehicle.id, "date": today - timedelta(days=30), "km": 60000},
            ]
        )
        milestone = env["showroom.mileage.milestone"].create(
            {"name": "Concurrency 55,555 km", "km": 55555, "user_ids": [(6, 0, env.ref("base.user_admin").ids)]}
        )
        return product, lot, partner, vehicle, milestone

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'showroom.milestone.call' AND res_id IN "
                "(SELECT id FROM showroom_milestone_call WHERE vehicle_id = %s)",
                [ids["vehicle"]],
            )
            cr.execute("DELETE FROM showroom_milestone_call WHERE vehicle_id = %s", [ids["vehicle"]])
            cr.execute("DELETE FROM mail_message WHERE model = 'showroom.vehicle' AND res_id = %s", [ids["vehicle"]])
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'showroom.vehicle' AND res_id = %s", [ids["vehicle"]]
            )
            cr.execute("DELETE FROM showroom_vehicle WHERE id = %s", [ids["vehicle"]])
            cr.execute("DELETE FROM showroom_mileage_milestone WHERE id = %s", [ids["milestone"]])
            cr.execute("DELETE FROM stock_lot WHERE id = %s", [ids["lot"]])
            cr.execute("DELETE FROM product_product WHERE id = %s", [ids["product"]])
            cr.execute("DELETE FROM product_template WHERE id = %s", [ids["template"]])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])

    def test_two_concurrent_runs_queue_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product, lot, partner, vehicle, milestone = self._seed(env)
            ids = {
                "product": product.id,
                "template": product.product_tmpl_id.id,
                "lot": lot.id,
                "partner": partner.id,
                "vehicle": vehicle.id,
                "milestone": milestone.id,
            }
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                env2 = api.Environment(cr2, SUPERUSER_ID, {})
                # both transactions take their snapshot before either commits
                for cr in (cr1, cr2):
                    cr.execute("SELECT count(*) FROM showroom_milestone_call")
                first = env1["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=[ids["vehicle"]])
                cr1.commit()
                try:
                    with mute_logger("odoo.sql_db"):
                        second = env2["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=[ids["vehicle"]])
                    cr2.commit()
                except psycopg2.errors.SerializationFailure:
                    cr2.rollback()
                    second = 0
                self.assertEqual((first, second), (1, 0))
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                self.assertEqual(env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=[ids["vehicle"]]), 0)
                calls = env["showroom.milestone.call"].search([("vehicle_id", "=", ids["vehicle"])])
                self.assertEqual(len(calls), 1)
                self.assertEqual(calls.milestone_id.id, ids["milestone"])
                activities = env["mail.activity"].search([("res_model", "=", calls._name), ("res_id", "=", calls.id)])
                self.assertEqual(len(activities), 1)
                cr.rollback()
        finally:
            self._cleanup(ids)
