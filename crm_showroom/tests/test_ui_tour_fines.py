from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common_fine import ShowroomFineCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours")
class TestShowroomFinesTour(HttpCase, ShowroomFineCase):
    """R8 in the browser: a manager reviews the day's inspection sheet and
    records the findings of a call spot-check."""

    def test_manager_waives_and_confirms(self):
        yesterday = self.company._showroom_today(self.manager) - timedelta(days=1)
        created = fields.Datetime.to_string(fields.Datetime.now() - timedelta(days=3))
        leads = self._lead_without_followup(name="Tour lead A", when=created) | self._lead_without_followup(
            name="Tour lead B", when=created
        )
        self.Inspection.with_user(self.manager).inspect_day(yesterday, self.consultant.ids)
        sheet = self._sheet(day=yesterday)
        self.assertEqual(len(sheet.fine_ids), 2)

        self.start_tour(
            f"/odoo/action-crm_showroom.showroom_inspection_action/{sheet.id}",
            "crm_showroom_review_inspection",
            login=self.manager.login,
        )

        waived = sheet.fine_ids.filtered(lambda fine: fine.res_id == leads[0].id)
        confirmed = sheet.fine_ids - waived
        self.assertRecordValues(sheet, [{"state": "confirmed", "confirmed_by_id": self.manager.id}])
        self.assertRecordValues(
            waived,
            [
                {
                    "state": "waived",
                    "waive_reason": "The customer asked us not to call during the holiday",
                    "decided_by_id": self.manager.id,
                }
            ],
        )
        self.assertRecordValues(confirmed, [{"state": "confirmed", "decided_by_id": self.manager.id}])

    def test_manager_records_a_spot_check_breach(self):
        lead = self._create_lead(user_id=self.consultant.id, name="Spot-check tour lead")
        self._mark_done(self._open_followups(lead))

        self.start_tour(
            "/odoo/action-crm_showroom.showroom_spot_check_action",
            "crm_showroom_spot_check",
            login=self.manager.login,
        )

        check = self.env["showroom.spot.check"].search([("user_id", "=", self.consultant.id)])
        self.assertRecordValues(
            check, [{"verdict": "breach", "notes": "Did not ask about the trade-in", "checked_by_id": self.manager.id}]
        )
        self.assertRecordValues(
            check.fine_id,
            [{"rule_id": self.rules["spot_check"].id, "user_id": self.consultant.id, "state": "draft"}],
        )
