from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_lost")
class TestShowroomLostTour(HttpCase, ShowroomCase):
    """G3 in a real browser: a consultant's Mark Lost on a showroom opportunity is
    a request; the opportunity stays open until the showroom manager approves it
    (lost) or rejects it with an instruction (the rules: test_lost_approval)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("crm.lost_reason_1")  # Too expensive
        cls.byd_han = cls.env.ref("crm_showroom.competitor_byd_han")

    def _requested_lead(self, **values):
        """A consultant's opportunity whose consultant asked to mark it lost
        (too expensive, lost to the BYD Han), as the Mark Lost dialog does."""
        lead = self._create_lead(user=self.consultant, name="Mr Qiao - Sedan 1.5T", **values)
        self.env["crm.lead.lost"].with_user(self.consultant).create(
            {
                "lead_ids": [(6, 0, lead.ids)],
                "lost_reason_id": self.reason.id,
                "showroom_competitor_id": self.byd_han.id,
            }
        ).action_lost_reason_apply()
        self.assertEqual(lead.showroom_lost_request_state, "requested")
        return lead


    def test_consultant_requests_lost(self):
        lead = self._create_lead(user=self.consultant)
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_showroom_lost_request", login=self.consultant.login)
        self.assertRecordValues(
            lead,
            [
                {
                    "active": True,
                    "showroom_lost_request_state": "requested",
                    "showroom_lost_request_reason_id": self.env.ref("crm.lost_reason_1").id,
                    "showroom_lost_request_competitor_id": self.env.ref("crm_showroom.competitor_byd_han").id,
                    "showroom_lost_requested_by_id": self.consultant.id,
                }
            ],
        )

    def test_manager_approves_from_the_requests_list(self):
        lead = self._requested_lead()
        followup = self._open_followups(lead)
        self.assertTrue(followup)
        self.start_tour(
            "/odoo/action-crm_showroom.crm_lead_action_showroom_lost_requests",
            "crm_showroom_lost_approve",
            login=self.manager.login,
        )
        self.assertRecordValues(
            lead,
            [
                {
                    "active": False,
                    "probability": 0,
                    "lost_reason_id": self.reason.id,
                    "showroom_lost_competitor_id": self.byd_han.id,
                    "showroom_lost_request_state": "approved",
                }
            ],
        )
        self.assertRecordValues(followup, [{"active": False, "showroom_closed_reason": "lost"}])
        self.assertRecordValues(self._lost_request_activities(lead), [{"active": False, "user_id": self.manager.id}])

    def test_manager_rejects_with_an_instruction(self):
        lead = self._requested_lead(showroom_grade_id=self.grades["B"].id)
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_showroom_lost_reject", login=self.manager.login)
        instruction = "Invite him to the test-drive day on Saturday and offer the trade-in bonus"
        self.assertRecordValues(
            lead,
            [
                {
                    "active": True,
                    "showroom_lost_request_state": "rejected",
                    "lost_reason_id": False,
                    "showroom_lost_competitor_id": False,
                }
            ],
        )
        self.assertRecordValues(self._lost_request_activities(lead), [{"active": False, "user_id": self.manager.id}])
        instructed = self._open_followups(lead).filtered("showroom_instruction")
        self.assertRecordValues(
            instructed,
            [
                {
                    "showroom_instruction": instruction,
                    "showroom_instruction_user_id": self.manager.id,
                    "user_id": self.consultant.id,
                    # the grade's interval (B: two weeks) from the consultant's day (R3)
                    "date_deadline": self.company._showroom_today(self.consultant)
                    + timedelta(days=self.grades["B"].followup_interval_days),
                }
            ],
        )
