from datetime import timedelta
from urllib.parse import quote

from odoo.tests import HttpCase, tagged

from .common import ShowroomCase
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


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_review")
class TestShowroomManagerTours(HttpCase, ShowroomCase):
    """The manager's Team Follow-ups and review queue (R8.3) in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the figures cover every showroom team: keep the demo data out
        cls.env["crm.team"].search([("id", "!=", cls.team.id)]).is_showroom = False

    def _start(self, action, tour, **values):
        cookies = {f"crm_showroom_tour_{key}": quote(str(value), safe="") for key, value in values.items()}
        self.start_tour(f"/odoo/action-crm_showroom.{action}", tour, login=self.manager.login, cookies=cookies)

    def test_team_followups_open_the_overdue_opportunities(self):
        lead = self._create_lead(name="Mr Bai - overdue")
        yesterday = self.company._showroom_today(self.consultant) - timedelta(days=1)
        # sudo: set up a past deadline, which the doors refuse to users
        self._open_followups(lead).sudo().date_deadline = yesterday
        self._start(
            "showroom_followup_dashboard_action",
            "crm_showroom_team_followups",
            consultant=self.consultant.name,
            lead=lead.name,
        )

    def test_review_queue_mark_reviewed(self):
        lead = self._create_lead(name="Mr Zhou - to review")
        followup = self._open_followups(lead)
        self._mark_done(followup, text="Waits for the March price")
        self._start("mail_activity_action_showroom_review", "crm_showroom_review_queue", lead=lead.name)
        self.assertTrue(followup.showroom_reviewed)
        self.assertEqual(followup.showroom_reviewed_by_id, self.manager)
