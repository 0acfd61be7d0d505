from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase

# Shanghai is UTC+8: at 16:00 UTC its calendar day changes.
BEFORE_SHANGHAI_MIDNIGHT = "2026-03-10 15:59:00"  # 10 March 23:59 in Shanghai
AFTER_SHANGHAI_MIDNIGHT = "2026-03-10 16:01:00"  # 11 March 00:01 in Shanghai
SHANGHAI_NIGHT = "2026-03-10 18:30:00"  # 11 March 02:30 in Shanghai, 10 March in UTC


@tagged("post_install", "-at_install", "crm_showroom", "showroom_day")
class TestShowroomDay(ShowroomCase):
    """The showroom's day: date rules count in the assignee's calendar day, else
    the company's showroom time zone — never the context's ``tz`` (a cron has
    none) nor UTC. Crons run as Odoo runs them: the cron's user, empty context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the sweep covers the whole database: keep other showroom teams (demo data) out
        cls.env["crm.team"].search([("id", "!=", cls.team.id)]).is_showroom = False
        cls.sweep_cron = cls.env.ref("crm_showroom.ir_cron_followup_sweep")
        cls.env = cls.env(context={})  # no tz, no lang: as a cron

    def _search_state(self, state, leads):
        return self.env["crm.lead"].search([("showroom_followup_state", "=", state), ("id", "in", leads.ids)])

    def _lead_without_followup(self, **overrides):
        return self.env["crm.lead"].with_context(mail_activity_automation_skip=True).create(
            self._lead_values(**overrides)
        )

    def test_cron_runs_in_the_assignees_day(self):
        """The nightly sweep at 02:30 in Shanghai (18:30 UTC, still the day before
        in UTC) creates follow-ups due on the Shanghai day: not overdue at birth."""
        lead = self._lead_without_followup()
        with freeze_time(SHANGHAI_NIGHT):
            self.assertFalse(self.sweep_cron.user_id.tz and self.env.context.get("tz"))
            self.sweep_cron.method_direct_trigger()
            followup = self._open_followups(lead)
            self.assertEqual(followup.date_deadline, date(2026, 3, 11))
            self.assertEqual(followup.state, "today", "due today in the consultant's day, as mail.activity sees it")
            lead.invalidate_recordset()
            self.assertEqual(lead.showroom_followup_state, "today")
            self.assertFalse(self._search_state("overdue", lead))
            self.assertEqual(self._search_state("today", lead), lead)

    def test_first_followup_at_the_day_boundary(self):
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):
            before = self._create_lead(user=self.consultant)
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            after = self._create_lead(user=self.consultant)
        self.assertEqual(self._open_followups(before).date_deadline, date(2026, 3, 12))
        self.assertEqual(self._open_followups(after).date_deadline, date(2026, 3, 13))

    def test_each_assignee_has_their_own_day(self):
        """At 16:01 UTC it is already 11 March in Shanghai but still 10 March in
        London: a follow-up due on 10 March is overdue for one, due today for the other."""
        londoner = mail_new_test_user(
            self.env, login="sr_london", name="Brown Consultant", tz="Europe/London",
            groups="crm_showroom.group_showroom_consultant",
        )
        self.team.member_ids |= londoner
        with freeze_time("2026-03-09 02:00:00"):
            shanghai_lead = self._create_lead(name="Shanghai", showroom_grade_id=self.grades["H"].id)
            london_lead = self._create_lead(name="London", user_id=londoner.id, showroom_grade_id=self.grades["H"].id)
        (self._open_followups(shanghai_lead) | self._open_followups(london_lead)).date_deadline = date(2026, 3, 10)
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            (shanghai_lead | london_lead).invalidate_recordset()
            self.assertEqual(shanghai_lead.showroom_followup_state, "overdue")
            self.assertEqual(london_lead.showroom_followup_state, "today")
            leads = shanghai_lead | london_lead
            self.assertEqual(self._search_state("overdue", leads), shanghai_lead)
            self.assertEqual(self._search_state("today", leads), london_lead)

    def test_user_without_tz_counts_in_the_company_day(self):
        self.consultant.tz = False
        self.company.showroom_tz = False
        self.company.partner_id.tz = False
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            lead = self._create_lead()
            self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 13), "Asia/Shanghai by default")
            self.company.showroom_tz = "UTC"
            lead = self._create_lead(name="UTC showroom")
            self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 12))

    def test_done_date_and_next_followup_in_the_assignees_day(self):
        with freeze_time("2026-03-09 02:00:00"):
            lead = self._create_lead(user=self.consultant)
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            followup = self._open_followups(lead).with_user(self.consultant)
            self._mark_done(followup)
            self.assertEqual(followup.date_done, date(2026, 3, 11))
            self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 18), "11 March + A's 7 days")

    def test_grade_change_pulls_in_from_the_assignees_day(self):
        with freeze_time("2026-03-09 02:00:00"):
            lead = self._create_lead(showroom_grade_id=self.grades["N"].id)
            self._open_followups(lead).date_deadline = date(2026, 3, 30)
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            lead.showroom_grade_id = self.grades["H"]
            self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 13))

    def test_my_followups_today_in_my_day(self):
        with freeze_time("2026-03-09 02:00:00"):
            lead = self._create_lead(showroom_grade_id=self.grades["H"].id)
        self._open_followups(lead).date_deadline = date(2026, 3, 11)
        Lead = self.env["crm.lead"].with_user(self.consultant)
        with freeze_time(BEFORE_SHANGHAI_MIDNIGHT):
            self.assertFalse(Lead.search([("showroom_my_followup_due", "=", True), ("id", "=", lead.id)]))
        with freeze_time(AFTER_SHANGHAI_MIDNIGHT):
            self.assertEqual(Lead.search([("showroom_my_followup_due", "=", True), ("id", "=", lead.id)]), lead)
            self.assertTrue(lead.with_user(self.consultant).showroom_my_followup_due)
