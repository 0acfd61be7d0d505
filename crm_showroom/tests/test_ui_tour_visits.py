from odoo.tests import HttpCase, tagged

from .test_showroom_visit import ShowroomVisitCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_visit")
class TestShowroomVisitTour(HttpCase, ShowroomVisitCase):
    """Visit cards in a real browser (R2.1, R8.1): a consultant logs a returning
    customer, matched to their opportunity by mobile, and a new one, whose
    opportunity is created from the card."""

    def test_log_visits_and_create_opportunity(self):
        self.start_tour(
            "/odoo/action-crm_showroom.showroom_visit_action",
            "crm_showroom_visit_cards",
            login=self.consultant.login,
            cookies={"crm_showroom_tour_lead": self.lead.name},
        )
        returning = self.Visit.search([("partner_name", "=", "孙先生")])
        self.assertRecordValues(
            returning,
            [
                {
                    "lead_id": self.lead.id,
                    "match_state": "matched",
                    "mobile": "+86 138 0013 8000",
                    "party_size": 2,
                    "user_id": self.consultant.id,
                }
            ],
        )
        new = self.Visit.search([("partner_name", "=", "周女士")])
        self.assertEqual(len(new), 1)
        lead = new.lead_id
        self.assertRecordValues(
            lead,
            [
                {
                    "contact_name": "周女士",
                    "mobile": "+86 150 0015 0000",
                    "user_id": self.consultant.id,
                    "team_id": self.team.id,
                    "showroom_channel_id": self.walk_in.id,
                    "showroom_test_drive": "done",
                    "showroom_grade_id": self.grades["A"].id,
                    "showroom_registered_at": new.date_in,
                }
            ],
        )
        self.assertEqual(new.match_state, "matched")
