from datetime import timedelta
from urllib.parse import quote

from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_pool")
class TestShowroomPoolTour(HttpCase, ShowroomCase):
    """G4 in a real browser: a consultant claims customers from the pool of their
    showroom team, from the list and from the form, and holds them with their
    48-hour follow-up; past the team's daily claim cap the claim is refused, in the
    consultant's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.write(
            {
                "showroom_pool_daily_claim_cap": 2,
                "showroom_pool_holding_cap": 50,
                "showroom_pool_cooloff_days": 30,
            }
        )

    def _pool_lead(self, name, mobile):
        return self._create_lead(name=name, user_id=False, mobile=mobile)

    def _claims(self, leads):
        claims = self.env["showroom.assignment"].search([("lead_id", "in", leads.ids), ("reason", "=", "claimed")])
        return claims.sorted(lambda claim: claim.lead_id.id)

    def test_consultant_claims_from_the_pool(self):
        qian = self._pool_lead("Mr Qian - sedan", "13800138011")
        zhou = self._pool_lead("Mr Zhou - SUV", "13800138012")
        leads = qian | zhou
        pool_followups = self._open_followups(qian) | self._open_followups(zhou)
        self.assertEqual(pool_followups.user_id, self.manager, "in the pool, the team leader's follow-ups")
        today = self.company._showroom_today(self.consultant)
        first_deadline = today + timedelta(days=self.team.showroom_first_followup_days)
        deadline_shown = format_date(self.env, first_deadline, lang_code=self.consultant.lang)

        self.start_tour(
            "/odoo/crm",
            "crm_showroom_pool_claim",
            login=self.consultant.login,
            cookies={"crm_showroom_tour_first_deadline": quote(deadline_shown, safe="")},
        )

        self.assertRecordValues(leads, [{"user_id": self.consultant.id, "team_id": self.team.id}] * 2)
        self.assertTrue(qian.showroom_release_date and qian.showroom_release_date > today)
        # the holders' history: each claimed by the consultant, the row still open
        self.assertRecordValues(
            self._claims(leads),
            [
                {"lead_id": lead.id, "user_id": self.consultant.id, "previous_user_id": False, "date_to": False}
                for lead in leads.sorted("id")
            ],
        )
        # the pool's follow-ups closed as claimed, the consultant's 48-hour follow-up open
        self.assertRecordValues(
            pool_followups.sorted("id"), [{"active": False, "showroom_closed_reason": "claimed"}] * 2
        )
        for lead in leads:
            self.assertRecordValues(
                self._open_followups(lead), [{"user_id": self.consultant.id, "date_deadline": first_deadline}]
            )

    def test_daily_claim_cap_told_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_showroom"], ["zh_CN"], overwrite=True)
        self.consultant.lang = "zh_CN"
        self.team.showroom_pool_daily_claim_cap = 1
        first = self._pool_lead("Mr Qian - sedan", "13800138011")
        wu = self._pool_lead("Ms Wu - MPV", "13800138013")
        first.with_user(self.consultant).action_showroom_pool_claim()  # today's one claim

        self.start_tour(
            "/odoo/action-crm_showroom.crm_lead_action_showroom_pool",
            "crm_showroom_pool_claim_cap",
            login=self.consultant.login,
        )

        self.assertRecordValues(wu, [{"user_id": False}])
        self.assertFalse(self._claims(wu), "nothing of the refused claim is saved")
        self.assertEqual(self._open_followups(wu).user_id, self.manager)
