from odoo.tests import HttpCase, tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_lost")
class TestShowroomLostTour(HttpCase, ShowroomCase):
    """G3 in a real browser: a consultant's Mark Lost on a showroom opportunity is
    a request; the opportunity stays open (the manager's decision: test_lost_approval)."""

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
