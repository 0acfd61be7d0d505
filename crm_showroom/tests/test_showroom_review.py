from ast import literal_eval
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase

# Shanghai is UTC+8, Paris UTC+1 in March: at 16:00 UTC Shanghai's day changes, Paris's not.
BEFORE_SHANGHAI_MIDNIGHT = "2026-03-10 15:59:00"
AFTER_SHANGHAI_MIDNIGHT = "2026-03-10 16:01:00"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_review")
class TestFollowupReview(ShowroomCase):
    """R8.3: the managers' queue of done follow-ups not yet reviewed, oldest first;
    an instruction or "Mark reviewed" takes a follow-up off it; consultants cannot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.action = cls.env.ref("crm_showroom.mail_activity_action_showroom_review")
        with freeze_time("2026-03-09 02:00:00"):
            cls.late_lead = cls._create_lead(user=cls.consultant, name="Mr Sun - later", mobile="13900139000")
            cls.early_lead = cls._create_lead(user=cls.consultant, name="Mr Zhou - earlier", mobile="13700137000")
            cls.early = cls._open_followups(cls.early_lead)
            cls.early.showroom_feedback_reason_ids = cls.reason_price
            cls.early.with_user(cls.consultant).action_feedback(feedback="Waits for the March price")
            cls.env.flush_all()  # the done date is a stored compute: computed in the frozen day
        with freeze_time("2026-03-10 02:00:00"):
            cls.late = cls._open_followups(cls.late_lead)
            cls.late.showroom_feedback_reason_ids = cls.reason_color
            cls.late.with_user(cls.consultant).action_feedback(feedback="Wants white, none in stock")
            cls.env.flush_all()

    def _queue(self, user):
        action = self.action.sudo()
        context = dict(literal_eval(action.context), active_test=False)
        domain = [*literal_eval(action.domain), ("showroom_reviewed", "=", False)]
        return (
            self.env["mail.activity"]
            .with_user(user)
            .with_context(**context)
            .search(domain, order="date_done asc, id asc")
        )

    def test_queue_oldest_first_with_feedback_grade_and_next(self):
        queue = self._queue(self.manager)
        self.assertEqual(queue.filtered(lambda act: act in self.early | self.late), self.early | self.late)
        self.assertEqual(list(queue.filtered(lambda act: act in self.early | self.late)), [self.early, self.late])
        self.assertEqual(self.early.date_done, date(2026, 3, 9))
        self.assertEqual(self.early.showroom_lead_grade_id, self.grades["A"])
        next_followup = self._open_followups(self.early_lead)
        self.assertEqual(self.early.showroom_lead_next_date, next_followup.date_deadline)
        self.assertFalse(self.early.showroom_reviewed)

    def test_instruction_reviews_and_notifies(self):
        wizard = Form(
            self.env["showroom.followup.instruction"]
            .with_user(self.manager)
            .with_context(default_activity_id=self.early.id)
        )
        wizard.instruction = "Invite him to Saturday's test-drive day."
        with freeze_time("2026-03-11 01:00:00"):
            wizard.save().action_save()
        self.assertTrue(self.early.showroom_reviewed)
        self.assertEqual(self.early.showroom_reviewed_by_id, self.manager)
        self.assertEqual(str(self.early.showroom_reviewed_date), "2026-03-11 01:00:00")
        self.assertNotIn(self.early, self._queue(self.manager))
        message = self.early_lead.message_ids[:1]
        self.assertIn("Saturday", str(message.body))
        self.assertIn(self.consultant.partner_id, message.partner_ids)

    def test_mark_reviewed(self):
        (self.early | self.late).with_user(self.manager).action_showroom_mark_reviewed()
        self.assertTrue(all((self.early | self.late).mapped("showroom_reviewed")))
        self.assertFalse(self._queue(self.manager) & (self.early | self.late))

    def test_consultant_cannot_review(self):
        with self.assertRaisesRegex(AccessError, "Only showroom managers review"):
            self.early.with_user(self.consultant).action_showroom_mark_reviewed()
        with self.assertRaisesRegex(AccessError, "Only showroom managers review"):
            self.early.with_user(self.consultant).write({"showroom_reviewed": True})
        with self.assertRaisesRegex(AccessError, "Only showroom managers review"):
            self.env["mail.activity"].with_user(self.consultant).create(
                {
                    "activity_type_id": self.followup_type.id,
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": self.early_lead.id,
                    "user_id": self.consultant.id,
                    "showroom_reviewed": True,
                }
            )
        self.assertFalse(self.early.showroom_reviewed)

    def test_only_done_followups_are_reviewed(self):
        with self.assertRaisesRegex(UserError, "Only done follow-ups"):
            self._open_followups(self.early_lead).with_user(self.manager).action_showroom_mark_reviewed()

    def test_review_changes_no_history(self):
        """The review fields pass the audit-trail door; the feedback still does not."""
        self.early.with_user(self.manager).action_showroom_mark_reviewed()
        with self.assertRaisesRegex(UserError, "is done"):
            self.early.with_user(self.manager).write({"showroom_feedback": "rewritten"})


@tagged("post_install", "-at_install", "crm_showroom", "showroom_review")
class TestFollowupDashboard(ShowroomCase):
    """The team's follow-ups now: due today, overdue and missing per consultant and
    grade, in each assignee's day; every figure opens its opportunities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the figures cover every showroom team: keep the demo data out
        cls.env["crm.team"].search([("id", "!=", cls.team.id)]).is_showroom = False
        cls.consultant_2.tz = "Europe/Paris"
        cls.Dashboard = cls.env["showroom.followup.dashboard"]
        cls.due_10 = cls._lead_due(cls.consultant, date(2026, 3, 10), "A")
        cls.due_9 = cls._lead_due(cls.consultant, date(2026, 3, 9), "A")
        cls.due_10_h = cls._lead_due(cls.consultant, date(2026, 3, 10), "H")
        cls.paris_due_10 = cls._lead_due(cls.consultant_2, date(2026, 3, 10), "A")
        cls.missing = (
            cls.env["crm.lead"]
            .with_context(mail_activity_automation_skip=True)
            .create(cls._lead_values(name="No follow-up", showroom_grade_id=cls.grades["B"].id))
        )
        cls.planned = cls._lead_due(cls.consultant, date(2026, 3, 14), "A")

    @classmethod
    def _lead_due(cls, user, deadline, grade):
        # each consultant's own customers: a shared one would be an ownership conflict (R7)
        lead = cls._create_lead(
            user_id=user.id, showroom_grade_id=cls.grades[grade].id, name=f"Due {deadline}",
            mobile=f"1380013{user.id % 10000:04d}",
        )
        # sudo: set up a past deadline, which the doors refuse to users
        cls._open_followups(lead).sudo().date_deadline = deadline
        return lead

    def _figures(self, user=None):
        self.env.invalidate_all()  # a report read at query time: each request reads it afresh
        rows = self.Dashboard.with_user(user or self.manager).search([])
        return {
            (row.user_id, row.grade_id.code): (row.today_count, row.overdue_count, row.missing_count) for row in rows
        }

    def test_figures_per_consultant_and_grade_in_their_day(self):
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):  # 10 March in Shanghai and in Paris
            self.assertEqual(
                self._figures(),
                {
                    (self.consultant, "A"): (1, 1, 0),
                    (self.consultant, "H"): (1, 0, 0),
                    (self.consultant, "B"): (0, 0, 1),
                    (self.consultant_2, "A"): (1, 0, 0),
                },
            )
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):  # 11 March in Shanghai, still 10 March in Paris
            self.assertEqual(
                self._figures(),
                {
                    (self.consultant, "A"): (0, 2, 0),
                    (self.consultant, "H"): (0, 1, 0),
                    (self.consultant, "B"): (0, 0, 1),
                    (self.consultant_2, "A"): (1, 0, 0),
                },
            )

    def test_figures_agree_with_the_opportunities(self):
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            Lead = self.env["crm.lead"]
            row = self.Dashboard.search([("user_id", "=", self.consultant.id), ("grade_id.code", "=", "A")])
            overdue = Lead.search(row.with_context(showroom_figure="overdue").action_open_leads()["domain"])
            self.assertEqual(overdue, self.due_10 | self.due_9)
            self.assertEqual(set(overdue.mapped("showroom_followup_state")), {"overdue"})
            paris = self.Dashboard.search([("user_id", "=", self.consultant_2.id)])
            today = Lead.search(paris.with_context(showroom_figure="today").action_open_leads()["domain"])
            self.assertEqual(today, self.paris_due_10)
            self.assertEqual(today.showroom_followup_state, "today")
            row_b = self.Dashboard.search([("grade_id.code", "=", "B")])
            missing = Lead.search(row_b.with_context(showroom_figure="missing").action_open_leads()["domain"])
            self.assertEqual(missing, self.missing)

    def test_won_lost_and_plain_teams_are_left_out(self):
        self.due_9.action_set_lost()
        self.due_10_h.stage_id = self.won_stage
        self._create_lead(team_id=self.plain_team.id, name="Fleet deal")
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):
            figures = self._figures()
        self.assertEqual(figures[(self.consultant, "A")], (1, 0, 0))
        self.assertNotIn((self.consultant, "H"), figures)

    def test_managers_only_and_their_companies(self):
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(self.consultant).search([])
        other_company = self.env["res.company"].create({"name": "Other Showroom", "country_id": self.china.id})
        other_manager = mail_new_test_user(
            self.env,
            login="sr_other_mgr",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
            groups="crm_showroom.group_showroom_manager",
        )
        other_team = self.env["crm.team"].create(
            {"name": "Other Showroom Team", "is_showroom": True, "company_id": other_company.id}
        )
        self.env["crm.lead"].with_context(mail_activity_automation_skip=True).create(
            self._lead_values(
                team_id=other_team.id, user_id=other_manager.id, company_id=other_company.id, name="Elsewhere"
            )
        )
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):
            self.assertEqual(self._figures(other_manager), {(other_manager, "A"): (0, 0, 1)})
            self.assertNotIn((other_manager, "A"), self._figures(self.manager))
            self.assertIn((self.consultant, "A"), self._figures(self.manager))
