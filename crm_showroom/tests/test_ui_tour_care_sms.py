from datetime import date

from odoo.tests import HttpCase, tagged

from .common_care import ShowroomCareCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "care_sms")
class TestCareSmsTour(HttpCase, ShowroomCareCase):
    """R6.2 in the web client: a segment admin generates a year of care days, opens
    one and previews it (``static/tests/tours/showroom_care_sms_tour.js``)."""

    def test_generate_year_and_preview(self):
        self.start_tour(
            "/odoo/action-crm_showroom.showroom_care_day_action",
            "crm_showroom_care_sms",
            login=self.segment_admin.login,
        )
        care_days = self.env["showroom.care.day"].search(
            [("company_id", "=", self.company.id), ("date", ">=", date(2028, 1, 1)), ("date", "<=", date(2028, 12, 31))]
        )
        self.assertEqual(len(care_days), 7)
        spring = care_days.filtered(lambda care_day: care_day.occasion == "spring_festival")
        self.assertEqual(spring.date, date(2028, 1, 26))
        self.assertEqual(spring._showroom_recipients(spring.date), self.wang | self.zhou, "the 2 the preview counted")
        self.assertFalse(
            self.env["showroom.care.sms"].search([("care_day_id", "=", spring.id)]), "a preview sends nothing"
        )
