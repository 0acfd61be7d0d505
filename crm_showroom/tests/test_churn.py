import ast
from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.test_ir_cron import CronMixinCase
from odoo.addons.mail.tests.common import mail_new_test_user

from .common_mileage import ShowroomMileageCase

DEFAULT_NEGATIVE = ["not_interested", "renewed_elsewhere", "unreachable"]


@tagged("post_install", "-at_install", "crm_showroom", "showroom_churn")
@freeze_time("2026-03-10 18:30:00")  # 2026-03-11 02:30 in Shanghai: the two days disagree
class TestChurn(ShowroomMileageCase, CronMixinCase):
    """G6: the churn warning of base customers — a car not seen for the
    company's period (180 days), or the last two calls negative — flagged by the
    daily check in the company's day, cleared as soon as the customer is reached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.showroom_churn_days = 180
        Partner = cls.env["res.partner"]
        cls.lost = Partner.create({"name": "Zhou Lost", "mobile": "13900139001"})
        cls.fresh = Partner.create({"name": "Wu Fresh", "mobile": "13900139002"})
        # 181 days before Shanghai's 2026-03-11 (180 before UTC's 2026-03-10)
        cls.lost_car = cls._make_vehicle([(date(2025, 6, 1), 1000), (date(2025, 9, 11), 6000)], partner=cls.lost)
        # 180 days before Shanghai's day: not yet
        cls.fresh_car = cls._make_vehicle([(date(2025, 6, 1), 1000), (date(2025, 9, 12), 6000)], partner=cls.fresh)

    def _cron(self):
        return self.env["res.partner"]._cron_showroom_churn()

    def test_car_not_seen_in_the_company_day(self):
        self.assertTrue(self.lost.is_base_customer)
        self._cron()
        self.assertRecordValues(
            self.lost | self.fresh | self.customer,
            [
                {
                    "showroom_churn_risk": True,
                    "showroom_churn_reason": "not_seen",
                    "showroom_churn_last_seen": date(2025, 9, 11),
                },
                {
                    "showroom_churn_risk": False,
                    "showroom_churn_reason": False,
                    "showroom_churn_last_seen": date(2025, 9, 12),
                },
                # not a base customer: never flagged
                {"showroom_churn_risk": False, "showroom_churn_reason": False, "showroom_churn_last_seen": False},
            ],
        )
        at_risk = self.env["res.partner"].search(
            [("showroom_churn_risk", "=", True), ("id", "in", (self.lost | self.fresh).ids)]
        )
        self.assertEqual(at_risk, self.lost)

    def test_hour_where_the_days_agree(self):
        # 02:00 UTC is 10:00 in Shanghai: both on 2026-03-10, 180 days after the lost
        # customer's last reading: not yet at risk
        with freeze_time("2026-03-10 02:00:00"):
            self.env["res.partner"]._showroom_churn_update((self.lost | self.fresh).ids)
        self.assertEqual((self.lost | self.fresh).mapped("showroom_churn_risk"), [False, False])

    def test_period_is_the_company_setting(self):
        with self.capture_triggers("crm_showroom.ir_cron_churn") as triggers:
            self.company.name = "Dingzhou Showroom"
            self.assertFalse(triggers.records, "another setting: no churn check")
            self.company.showroom_churn_days = 179
            self.assertEqual(len(triggers.records), 1, "a new period is applied at once")
        self._cron()
        self.assertEqual((self.lost | self.fresh).mapped("showroom_churn_risk"), [True, True])
        self.company.showroom_churn_days = 365
        self._cron()
        self.assertEqual((self.lost | self.fresh).mapped("showroom_churn_risk"), [False, False])

    def test_new_reading_clears_at_once(self):
        self._cron()
        self.assertTrue(self.lost.showroom_churn_risk)
        # a service visit's reading: no cron needed
        self.env["showroom.odometer"].create(
            {"vehicle_id": self.lost_car.id, "date": date(2026, 3, 11), "km": 9000, "source": "service"}
        )
        self.assertRecordValues(
            self.lost,
            [
                {
                    "showroom_churn_risk": False,
                    "showroom_churn_reason": False,
                    "showroom_churn_last_seen": date(2026, 3, 11),
                }
            ],
        )

    def test_cron_is_idempotent(self):
        self.assertGreaterEqual(self._cron(), 2, "the lost customer flagged, the fresh one's last seen day stored")
        self.assertEqual(self._cron(), 0, "a second run writes nothing")
        self.assertEqual(self.env["res.partner"]._showroom_churn_update((self.lost | self.fresh).ids), [])
        self.assertTrue(self.lost.showroom_churn_risk)

    def test_no_longer_base_customer_is_cleared(self):
        self._cron()
        self.lost_car.state = "returned"
        self.assertFalse(self.lost.is_base_customer)
        self.assertEqual(self.env["res.partner"]._showroom_churn_update(self.lost.ids), self.lost.ids)
        self.assertRecordValues(
            self.lost,
            [{"showroom_churn_risk": False, "showroom_churn_reason": False, "showroom_churn_last_seen": False}],
        )

    def test_two_negative_calls_then_answered(self):
        vehicle = self._make_vehicle(self._linear(date(2026, 3, 1), 52000))
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicle.ids)
        call = self._calls(vehicle)
        self.assertEqual(call.state, "open")
        self._work_call(call, "unreachable")
        self.assertFalse(self.customer.showroom_churn_risk, "one negative call is not a trend")
        self._work_call(call, "unreachable")
        # flagged when the second outcome is recorded, not at the next cron
        self.assertRecordValues(
            self.customer,
            [
                {
                    "showroom_churn_risk": True,
                    "showroom_churn_reason": "negative_calls",
                    "showroom_churn_last_seen": date(2026, 3, 1),
                }
            ],
        )
        self._cron()
        self.assertTrue(self.customer.showroom_churn_risk, "the daily check agrees")
        # the customer answers: reached, cleared at once
        self._work_call(call, "serviced", km=52300)
        self.assertRecordValues(
            self.customer,
            [
                {
                    "showroom_churn_risk": False,
                    "showroom_churn_reason": False,
                    "showroom_churn_last_seen": date(2026, 3, 11),
                }
            ],
        )

    def test_both_reasons(self):
        # the lost customer's other car, delivered long ago and never read, is called
        # about its insurance renewal: nobody answers, twice
        car = self._make_vehicle(delivered=date(2025, 6, 1), partner=self.lost, insurance_renewal_date=date(2026, 4, 1))
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=car.ids)
        call = self._calls(car)
        self._work_call(call, "unreachable")
        self._work_call(call, "unreachable")
        self.assertRecordValues(
            self.lost,
            [
                {
                    "showroom_churn_risk": True,
                    "showroom_churn_reason": "not_seen_negative_calls",
                    "showroom_churn_last_seen": date(2025, 9, 11),
                }
            ],
        )

    def test_churn_list_for_customer_service(self):
        self._cron()
        action = self.env.ref("crm_showroom.res_partner_action_showroom_churn")
        domain = ast.literal_eval(action.domain)
        listed = self.env["res.partner"].with_user(self.tm1).search(domain)
        self.assertIn(self.lost, listed)
        self.assertNotIn(self.fresh, listed)
        self.assertEqual(
            self.env.ref("crm_showroom.menu_showroom_care_churn").parent_id,
            self.env.ref("crm_showroom.menu_showroom_care_root"),
        )

    # ---- the negative call outcomes: a company setting ----

    def _call_outcome(self, value):
        return self.env.ref(f"crm_showroom.selection__showroom_milestone_call__outcome__{value}")

    def _negative(self, company):
        return sorted(company.showroom_churn_negative_outcome_ids.mapped("value"))

    def _called_vehicles(self, count=1, partner=None, company=None):
        """``count`` vehicles of ``partner`` past 50,000 km, in ``company``, each with
        its open 50,000 km call."""
        company = company or self.company
        lots = self.env["stock.lot"].create(
            [
                {"name": self._next_vin(), "product_id": self.suv_white.id, "company_id": company.id}
                for _ in range(count)
            ]
        )
        vehicles = self.env["showroom.vehicle"].create(
            [
                {
                    "lot_id": lot.id,
                    "company_id": company.id,
                    "state": "delivered",
                    "partner_id": (partner or self.customer).id,
                    "user_id": self.consultant.id,
                    "opportunity_id": self.origin_lead.id,
                    "delivery_date": date(2023, 6, 5),
                }
                for lot in lots
            ]
        )
        self.env["showroom.odometer"].create(
            [
                {"vehicle_id": vehicle.id, "date": day, "km": km}
                for vehicle in vehicles
                for day, km in self._linear(date(2026, 3, 1), 52000)
            ]
        )
        self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicles.ids)
        calls = self._calls(vehicles)
        self.assertEqual(calls.mapped("state"), ["open"] * count)
        return calls

    def test_negative_outcomes_default(self):
        # the existing company got the rule book's three (install / 18.0.1.6.0), a new one
        # gets them by default
        self.assertEqual(self._negative(self.company), DEFAULT_NEGATIVE)
        other = self.env["res.company"].create({"name": "Baoding Store"})
        self.assertEqual(self._negative(other), DEFAULT_NEGATIVE)
        # only outcomes of base-customer calls
        with self.assertRaises(ValidationError):
            other.showroom_churn_negative_outcome_ids = self.env.ref(
                "crm_showroom.selection__showroom_vehicle__state__returned"
            )

    def test_admin_removes_an_outcome(self):
        admin = mail_new_test_user(
            self.env,
            login="sr_churn_admin",
            name="Zhao Admin",
            groups="base.group_system,sales_team.group_sale_manager,crm_showroom.group_showroom_admin",
        )
        first, second = self._called_vehicles(2)
        self._work_call(first, "unreachable")
        self._work_call(first, "unreachable")
        self.assertEqual(self.customer.showroom_churn_reason, "negative_calls")
        # the admin no longer counts an unanswered call against the customer: the
        # save triggers the daily check at once
        with self.capture_triggers("crm_showroom.ir_cron_churn") as triggers:
            with Form(self.env["res.config.settings"].with_user(admin)) as settings:
                self.assertEqual(
                    sorted(outcome.value for outcome in settings.showroom_churn_negative_outcome_ids),
                    DEFAULT_NEGATIVE,
                )
                settings.showroom_churn_negative_outcome_ids.remove(id=self._call_outcome("unreachable").id)
        self.assertEqual(self._negative(self.company), ["not_interested", "renewed_elsewhere"])
        self.assertEqual(len(triggers.records), 1)
        self.assertLessEqual(triggers.records.call_at, fields.Datetime.now())
        # run as Odoo runs the triggered cron: its user, an empty context
        self.env.ref("crm_showroom.ir_cron_churn").method_direct_trigger()
        self.assertRecordValues(self.customer, [{"showroom_churn_risk": False, "showroom_churn_reason": False}])
        # the next day, not interested, twice (two cars' calls, each closed by it): still a trend
        with freeze_time("2026-03-11 18:30:00"):
            self._work_call(first, "not_interested")
            self.assertFalse(self.customer.showroom_churn_risk, "an unreachable call before it: not negative")
            self._work_call(second, "not_interested")
        self.assertRecordValues(
            self.customer, [{"showroom_churn_risk": True, "showroom_churn_reason": "negative_calls"}]
        )

    def test_each_company_its_own_outcomes(self):
        other = self.env["res.company"].create({"name": "Baoding Store", "showroom_tz": "Asia/Shanghai"})
        other.showroom_churn_negative_outcome_ids = self._call_outcome("not_interested")
        self.tm1.company_ids |= other
        customer_b = self.env["res.partner"].create({"name": "Sun Baoding", "mobile": "13900139003"})
        call_a = self._called_vehicles()
        call_b = self._called_vehicles(partner=customer_b, company=other)
        self.assertEqual(call_b.company_id, other)
        for _attempt in range(2):
            self._work_call(call_a, "unreachable")
            self._work_call(call_b, "unreachable")
        self._cron()
        self.assertRecordValues(
            self.customer | customer_b,
            [
                {"showroom_churn_risk": True, "showroom_churn_reason": "negative_calls"},
                {"showroom_churn_risk": False, "showroom_churn_reason": False},
            ],
        )
        # an empty list turns the rule off for its company only
        self.company.showroom_churn_negative_outcome_ids = False
        other.showroom_churn_negative_outcome_ids = self._call_outcome("unreachable")
        self._cron()
        self.assertEqual((self.customer | customer_b).mapped("showroom_churn_risk"), [False, True])

    def test_users_refresh_without_reading_the_setting(self):
        # neither telemarketing nor consultants may read Odoo's selection records ...
        for user in (self.tm1, self.consultant):
            with self.assertRaises(AccessError):
                self._call_outcome("unreachable").with_user(user).read(["value"])
        # ... yet a telemarketing user's calls flag the customer at once
        call = self._called_vehicles()
        self.assertIn(call.user_id, self.tm1 | self.tm2)
        self._work_call(call, "unreachable")
        self._work_call(call, "unreachable")
        self.assertEqual(self.customer.showroom_churn_reason, "negative_calls")
        # and the consultant's reading of a car not seen clears its owner at once
        self._cron()
        self.assertTrue(self.lost.showroom_churn_risk)
        self.env["showroom.odometer"].with_user(self.consultant).create(
            {"vehicle_id": self.lost_car.id, "date": date(2026, 3, 11), "km": 9000}
        )
        self.assertFalse(self.lost.showroom_churn_risk)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_churn")
class TestChurnConcurrency(TransactionCase):
    """G6: the daily check beside another transaction writing a customer (a call
    being recorded, a second run) neither waits for it nor fails: it skips the
    customer, which the other transaction updates itself."""

    def test_locked_partner_is_skipped(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr1.execute("SELECT id FROM res_partner WHERE is_base_customer ORDER BY id LIMIT 1")
            row = cr1.fetchone()
            if not row:
                self.skipTest("no base customer in this database")
            cr1.execute("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", row)
            cr2.execute("SET LOCAL lock_timeout = '2s'")
            Partner = api.Environment(cr2, SUPERUSER_ID, {})["res.partner"]
            self.assertEqual(Partner._showroom_churn_update(list(row), skip_locked=True), [])
            # without skipping, the statement would wait for the other transaction
            with self.assertRaises(psycopg2.errors.LockNotAvailable), mute_logger("odoo.sql_db"):
                Partner._showroom_churn_update(list(row))
            cr1.rollback()
            cr2.rollback()
