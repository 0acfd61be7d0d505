from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_showroom.tools.vin import normalize_vin, vin_check_digit, vin_problem, with_check_digit

from .common_vehicle import ShowroomVehicleCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_vehicle")
class TestVinTools(BaseCase):
    """The VIN rules of ISO 3779 with the GB 16735 check digit, as pure functions."""

    def test_known_valid_vins(self):
        # the textbook example (check digit X), all ones, and a Chinese VIN
        for vin in ("1M8GDM9AXKP042788", "11111111111111111", "LSVAM4187C2184847"):
            with self.subTest(vin=vin):
                self.assertIsNone(vin_problem(vin))
        self.assertEqual(vin_check_digit("1M8GDM9AXKP042788"), "X")

    def test_normalize(self):
        self.assertEqual(normalize_vin(" lsvam418 7c2 184847 "), "LSVAM4187C2184847")
        self.assertEqual(normalize_vin(False), "")

    def test_problems(self):
        self.assertEqual(vin_problem("LSVAM4187C218484"), ("length", {"length": 16}))
        self.assertEqual(vin_problem("LSVAM4187C21848477"), ("length", {"length": 18}))
        self.assertEqual(vin_problem("LSVAM4187O2184847"), ("forbidden_letter", {"char": "O", "position": 10}))
        self.assertEqual(vin_problem("ISVAM4187C2184847"), ("forbidden_letter", {"char": "I", "position": 1}))
        self.assertEqual(vin_problem("LSVAM4187C218484-"), ("invalid_char", {"char": "-", "position": 17}))
        self.assertEqual(vin_problem("LSVAM4185C2184847"), ("check_digit", {"expected": "7", "found": "5"}))

    def test_with_check_digit(self):
        vin = with_check_digit("LGWEF4A50TH000001")
        self.assertIsNone(vin_problem(vin))
        self.assertEqual(vin[:8] + vin[9:], "LGWEF4A5TH000001")


@tagged("post_install", "-at_install", "crm_showroom", "showroom_vehicle")
class TestVinLots(ShowroomVehicleCase):
    """R5.1: the serial number of a vehicle is its VIN."""

    def _lot(self, name, product=None, company=None):
        return self.env["stock.lot"].create(
            {"name": name, "product_id": (product or self.suv_white).id, "company_id": (company or self.company).id}
        )

    def test_vehicle_product_is_serial_tracked(self):
        self.assertTrue(self.suv.is_storable)
        self.assertEqual(self.suv.tracking, "serial")
        self.assertEqual((self.suv.showroom_first_service_days, self.suv.showroom_first_service_km), (90, 5000))
        car = self.env["product.template"].create({"name": "Sedan", "type": "service"})
        car.is_vehicle = True
        self.assertEqual((car.type, car.is_storable, car.tracking), ("consu", True, "serial"))
        with self.assertRaisesRegex(ValidationError, "tracked by a unique serial number"):
            car.tracking = "lot"
        self.assertEqual(car.tracking, "serial", "nothing saved")

    def test_vin_normalised(self):
        vin = self._next_vin()
        lot = self._lot(f" {vin[:8].lower()} {vin[8:]} ")
        self.assertEqual(lot.name, vin)
        other = self._next_vin()
        lot.name = other.lower()
        self.assertEqual(lot.name, other)

    def test_bad_vins_refused_with_clear_errors(self):
        good = self._next_vin()
        wrong_digit = "0" if good[8] != "0" else "1"
        cases = {
            good[:16]: "it has 16 characters, a VIN has 17",
            good[:9] + "O" + good[10:]: "letter O at position 10",
            good[:16] + "*": "contains “\\*” at position 17",
            good[:8] + wrong_digit + good[9:]: f"check digit \\(position 9\\) should be {good[8]}, not {wrong_digit}",
        }
        lots_before = self.env["stock.lot"].search_count([])
        for vin, message in cases.items():
            with self.subTest(vin=vin), self.assertRaisesRegex(ValidationError, message):
                self._lot(vin)
        self.assertEqual(self.env["stock.lot"].search_count([]), lots_before, "nothing saved")
        lot = self._lot(good)
        with self.assertRaisesRegex(ValidationError, "a VIN has 17"):
            lot.name = "ABC"
        self.assertEqual(lot.name, good)

    def test_vin_unique_per_company_among_vehicles(self):
        vin = self._next_vin()
        self._lot(vin)
        suv_red = self.suv.product_variant_ids - self.suv_white
        with self.assertRaisesRegex(ValidationError, "already registered for another vehicle"):
            self._lot(vin, product=suv_red[0])
        other_company = self.env["res.company"].create({"name": "Baoding Showroom"})
        self.assertEqual(self._lot(vin, company=other_company).name, vin, "another company may hold the same VIN")

    def test_other_products_keep_free_serials(self):
        tyre = self.env["product.product"].create({"name": "Tyre", "is_storable": True, "tracking": "serial"})
        lot = self._lot("tyre 001", product=tyre)
        self.assertEqual(lot.name, "tyre 001")

    def test_vehicle_shows_attributes(self):
        lot = self._lot(self._next_vin())
        vehicle = self.env["showroom.vehicle"].create({"lot_id": lot.id})
        self.assertEqual(vehicle.vin, lot.name)
        self.assertEqual(vehicle.product_tmpl_id, self.suv)
        self.assertEqual(vehicle.brand_id.name, "Haval", "from a single-value attribute without variants")
        self.assertEqual(vehicle.trim_id.name, "2.0T Deluxe")
        self.assertEqual(vehicle.color_id.name, "Pearl White")
        self.assertEqual(vehicle.color_html, "#F8F8F0")
        self.assertEqual(vehicle.state, "stock")
        self.assertEqual(vehicle.display_name, f"H6 SUV {lot.name}")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["showroom.vehicle"].create({"lot_id": lot.id})
