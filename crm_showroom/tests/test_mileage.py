from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_showroom.tools.mileage import (
    assign_round_robin,
    date_reaching,
    estimated_km,
    km_per_day,
    odometer_chart_svg,
)

from .common import showroom_demo_missing
from .common_mileage import ShowroomMileageCase

TODAY = date(2026, 3, 10)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
class TestMileageTools(BaseCase):
    """The pure helpers of R6.1: the robust fit, the estimate, round-robin."""

    def test_theil_sen_ignores_an_outlier(self):
        days = [date(2025, 1, 1) + timedelta(days=30 * i) for i in range(6)]
        readings = [(day, 1500 * i) for i, day in enumerate(days)]  # 50 km a day
        readings[3] = (days[3], 90000)  # a digit typed wrong
        self.assertAlmostEqual(km_per_day(readings), 50.0)
        self.assertIsNone(km_per_day([(days[0], 100)]))
        self.assertIsNone(km_per_day([(days[0], 100), (days[0], 200)]), "one day only: no slope")
        self.assertEqual(km_per_day([(days[0], 500), (days[1], 100)]), 0.0, "never negative")

    def test_estimate_and_date_reaching(self):
        self.assertEqual(estimated_km(1000, date(2026, 3, 1), 10, date(2026, 3, 11)), 1100)
        self.assertEqual(estimated_km(1000, date(2026, 3, 1), 10, date(2026, 2, 1)), 1000)
        self.assertEqual(estimated_km(None, None, 10, date(2026, 3, 1)), 0)
        self.assertEqual(date_reaching(50000, 49000, date(2026, 3, 1), 40), date(2026, 3, 26))
        self.assertEqual(date_reaching(50000, 51000, date(2026, 3, 1), 40), date(2026, 3, 1))
        self.assertIsNone(date_reaching(50000, 49000, date(2026, 3, 1), 0))

    def test_round_robin_with_cap(self):
        loads = {}
        self.assertEqual(assign_round_robin([7, 3], loads, 0, 5), [7, 3, 7, 3, 7])
        loads = {3: 1}
        self.assertEqual(assign_round_robin([7, 3], loads, 2, 4), [7, 7, 3, None])
        self.assertEqual(loads, {7: 2, 3: 2})

    def test_chart(self):
        svg = odometer_chart_svg(
            [(date(2025, 1, 1), 0), (date(2026, 1, 1), 18000)], [(date(2026, 3, 1), 21000)], labels=("R", "<F>")
        )
        self.assertIn("<svg", svg)
        self.assertEqual(svg.count("<polyline"), 2)
        self.assertIn("&lt;F&gt;", svg, "labels are escaped")
        self.assertEqual(odometer_chart_svg([], []), "")


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
@freeze_time("2026-03-10 02:00:00")
class TestOdometer(ShowroomMileageCase):
    """R6.1 readings: from the delivery, the feedback dialog, import and by hand;
    bad readings refused with nothing saved; corrections by managers, logged."""

    def test_delivery_records_a_reading(self):
        order = self._create_order(lead=self.origin_lead)
        order.action_confirm()
        vehicle = self._deliver_order(order)
        self.assertRecordValues(
            vehicle.odometer_ids, [{"date": TODAY, "km": 0, "source": "delivery", "user_id": self.env.uid}]
        )
        self.assertRecordValues(vehicle, [{"odometer": 0, "odometer_last_km": 0, "odometer_last_date": TODAY}])

    def test_readings_by_hand_and_their_refusals(self):
        vehicle = self._make_vehicle([(date(2025, 3, 10), 0)])
        Odometer = self.env["showroom.odometer"].with_user(self.consultant)
        reading = Odometer.create({"vehicle_id": vehicle.id, "date": date(2026, 3, 1), "km": 18000})
        self.assertRecordValues(reading, [{"source": "manual", "user_id": self.consultant.id}])
        self.assertEqual(vehicle.odometer, 18000)
        refusals = [
            ({"km": -5}, "cannot be negative"),
            ({"date": date(2026, 3, 11), "km": 18100}, "after today"),
            ({"date": date(2025, 3, 9), "km": 0}, "before its delivery"),
            ({"date": date(2026, 3, 9), "km": 40000}, "more than 1500 km a day"),
            ({"date": date(2026, 3, 9), "km": 17000}, "is lower"),
            ({"date": date(2025, 9, 1), "km": 19000}, "is lower"),  # higher than the later reading
        ]
        for values, message in refusals:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                Odometer.create({"vehicle_id": vehicle.id, "date": date(2026, 3, 9), **values})
        self.assertEqual(len(vehicle.odometer_ids), 2, "nothing saved")
        with self.assertRaisesRegex(AccessError, "Only showroom managers"):
            Odometer.create({"vehicle_id": vehicle.id, "date": date(2026, 3, 9), "km": 100, "is_correction": True})
        with self.assertRaisesRegex(AccessError, "Only showroom managers"):
            reading.km = 17500

    def test_correction_by_manager_is_logged(self):
        vehicle = self._make_vehicle([(date(2025, 3, 10), 0), (date(2026, 1, 10), 30000)])
        correction = (
            self.env["showroom.odometer"]
            .with_user(self.manager)
            .create(
                {
                    "vehicle_id": vehicle.id,
                    "date": date(2026, 3, 1),
                    "km": 120,
                    "is_correction": True,
                    "note": "Odometer replaced",
                }
            )
        )
        self.assertEqual(vehicle.odometer_last_km, 120)
        message = vehicle.message_ids.filtered(lambda msg: "Mileage corrected by" in (msg.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Odometer replaced", message.body)
        self.assertIn(self.manager.name, message.body)
        # the series starts again from the correction: later readings compare with it
        with self.assertRaisesRegex(ValidationError, "is lower"):
            self.env["showroom.odometer"].create({"vehicle_id": vehicle.id, "date": date(2026, 3, 5), "km": 100})
        self.env["showroom.odometer"].create({"vehicle_id": vehicle.id, "date": date(2026, 3, 9), "km": 500})
        self.assertEqual(correction.vehicle_id.odometer_last_km, 500)
        self.assertAlmostEqual(vehicle.odometer_km_per_day, 47.5, places=1, msg="(500 - 120) / 8 days")

    def test_import_reports_each_bad_row_and_saves_nothing(self):
        vehicle = self._make_vehicle([(date(2025, 3, 10), 0)])
        Odometer = self.env["showroom.odometer"].with_context(import_file=True)
        fields = ["vehicle_id/.id", "date", "km"]
        with mute_logger("odoo.sql_db", "odoo.models"):
            result = Odometer.load(
                fields,
                [
                    [str(vehicle.id), "2025-09-10", "9000"],
                    [str(vehicle.id), "2026-04-01", "10000"],  # future
                    [str(vehicle.id), "2026-01-10", "-3"],
                ],
            )
        self.assertFalse(result["ids"], result["messages"])
        # one error per bad row (Odoo's load also repeats the batch's first error on top)
        errors = {(msg["record"], msg["message"]) for msg in result["messages"] if msg["type"] == "error"}
        self.assertTrue(any(record == 1 and "after today" in message for record, message in errors), errors)
        self.assertTrue(any(record == 2 and "negative" in message for record, message in errors), errors)
        self.assertEqual(len(vehicle.odometer_ids), 1, "nothing half-imported")
        result = Odometer.load(
            fields, [[str(vehicle.id), "2025-09-10", "9000"], [str(vehicle.id), "2026-01-10", "14000"]]
        )
        self.assertEqual(len(result["ids"]), 2, result["messages"])
        self.assertEqual(set(vehicle.odometer_ids.mapped("source")), {"manual", "import"})

    def test_estimate_with_zero_one_and_many_readings(self):
        none = self._make_vehicle()
        self.assertRecordValues(none, [{"odometer_last_km": 0, "odometer_last_date": False, "odometer_estimated": 0}])
        # one reading, no vehicle of the model driven: the company's default
        single = self._make_vehicle([(date(2026, 3, 1), 0)])
        self.assertEqual(single.odometer_km_per_day, 50)
        self.assertEqual(single.odometer_estimated, 450, "9 days at 50 km")
        # many readings: the robust fit
        many = self._make_vehicle([(date(2025, 3, 10), 0), (date(2025, 9, 6), 7200), (date(2026, 3, 5), 14400)])
        self.assertAlmostEqual(many.odometer_km_per_day, 40.0, places=0)
        self.assertEqual(many.odometer_estimated, 14400 + round(5 * many.odometer_km_per_day))
        self.assertEqual(many.milestone_next_id, self.m50)
        self.assertEqual(
            many.milestone_next_date, date(2026, 3, 5) + timedelta(days=-(-(50000 - 14400) // many.odometer_km_per_day))
        )
        self.assertIn("<svg", many.odometer_chart)
        # one reading again, now the fleet median of the model (from the stored rates)
        self.env.flush_all()
        second_single = self._make_vehicle([(date(2026, 3, 2), 0)])
        self.assertAlmostEqual(second_single.odometer_km_per_day, many.odometer_km_per_day)

    def test_km_today_from_a_vehicle_followup(self):
        order = self._create_order(lead=self.origin_lead)
        order.action_confirm()
        with freeze_time("2026-02-01 02:00:00"):
            vehicle = self._deliver_order(order)
        followup = self._vehicle_followups(vehicle)[0]
        wizard = (
            self.env["showroom.followup.done"]
            .with_user(self.consultant)
            .create(
                {
                    "activity_id": followup.id,
                    "reason_ids": [(6, 0, self.reason_price.ids)],
                    "feedback": "Happy with the car",
                    "odometer_km": 1800,
                }
            )
        )
        self.assertEqual(wizard.vehicle_id, vehicle)
        wizard.action_done()
        self.assertRecordValues(
            vehicle.odometer_ids.sorted("date"),
            [
                {"km": 0, "source": "delivery", "user_id": self.env.uid},
                {"km": 1800, "source": "call", "user_id": self.consultant.id},
            ],
        )


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_mileage")
class TestMileageDemo(TransactionCase):
    """The demo's base customers (R6.1): two cars past 50,000 km and an insurance
    renewal in the telemarketing user's queue, each with one open call. Without the demo data: see
    ``showroom_demo_missing``."""

    def test_demo_queue(self):
        guo = self.env.ref("crm_showroom.mileage_demo_vehicle_guo", raise_if_not_found=False)
        if not guo:
            showroom_demo_missing(self)
        vehicles = (
            guo
            | self.env.ref("crm_showroom.mileage_demo_vehicle_du")
            | self.env.ref("crm_showroom.mileage_demo_vehicle_ma")
        )
        calls = self.env["showroom.milestone.call"].search([("vehicle_id", "in", vehicles.ids)])
        self.assertEqual(
            {(call.vehicle_id, call.milestone_id.kind) for call in calls},
            {(guo, "mileage"), (vehicles[1], "mileage"), (vehicles[2], "renewal")},
        )
        telemarketing = self.env.ref("crm_showroom.user_telemarketing")
        self.assertEqual(calls.user_id, telemarketing)
        self.assertEqual(calls.with_user(telemarketing).activity_ids.user_id, telemarketing)
        self.assertEqual(len(calls.activity_ids), 3)
        self.assertGreater(guo.odometer_estimated, 50000)
        self.assertTrue(guo.with_user(telemarketing).odometer_chart)
