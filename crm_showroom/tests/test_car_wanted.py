from datetime import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_vehicle import ShowroomVehicleCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_car_wanted")
@freeze_time("2026-03-10 02:00:00")
class TestCarWanted(ShowroomVehicleCase):
    """The form that sells cars: the car wanted feeds the expected revenue; test
    drive, trade-in, budget and payment method are checked; vehicles carry their
    plate and insurance."""

    def test_car_wanted_feeds_expected_revenue(self):
        price = self.suv_white.lst_price
        self.assertGreater(price, 0)
        lead = self._create_lead(showroom_product_id=self.suv_white.id)
        self.assertEqual(lead.expected_revenue, price)
        lead.expected_revenue = 140000  # the consultant's own figure stays
        self.assertEqual(lead.expected_revenue, 140000)
        other_variant = (self.suv.product_variant_ids - self.suv_white)[0]
        with Form(lead.with_user(self.consultant)) as form:
            form.showroom_product_id = other_variant
            self.assertEqual(form.expected_revenue, other_variant.lst_price)

    def test_explicit_expected_revenue_wins(self):
        lead = self._create_lead(showroom_product_id=self.suv_white.id, expected_revenue=120000)
        self.assertEqual(lead.expected_revenue, 120000)

    def test_bad_intent_values_refused(self):
        lead = self._create_lead()
        for vals, message in (
            ({"showroom_test_drive": "planned"}, "date of the test drive"),
            ({"showroom_trade_in": True, "showroom_trade_in_year": 1900}, "between 1950"),
            ({"showroom_trade_in_km": -5}, "cannot be negative"),
            ({"showroom_budget": -1}, "cannot be negative"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                lead.write(vals)
        lead.write({"showroom_test_drive": "planned", "showroom_test_drive_date": datetime(2026, 3, 12, 2, 0)})
        self.assertEqual(lead.showroom_test_drive, "planned")

    def test_last_feedback_shows_on_the_calling_list(self):
        lead = self._create_lead()
        self.assertFalse(lead.showroom_last_feedback)
        self._mark_done(self._open_followups(lead), text="Wants the red one")
        lead.invalidate_recordset()
        self.assertIn("Wants the red one", lead.showroom_last_feedback)

    def test_vehicle_plate_is_normalized_and_unique(self):
        order = self._create_order()
        order.action_confirm()
        vehicle = self._deliver_order(order)
        vehicle.plate_number = "冀f· a1234"
        self.assertEqual(vehicle.plate_number, "冀FA1234")
        order_2 = self._create_order()
        order_2.action_confirm()
        other = self._deliver_order(order_2)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            other.plate_number = "冀F A1234"
            other.flush_recordset()
