from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ShowroomCase

WEEK_1 = date(2026, 3, 2)  # Monday
WEEK_2 = date(2026, 3, 9)
WEEK_3 = date(2026, 3, 16)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_compliance")
class TestComplianceReport(ShowroomCase):
    """G6: follow-up compliance per consultant and week, on a known history.

    Grade A (7-day interval), the team's 48-hour first follow-up, Asia/Shanghai:

    * L1, registered Mon 2 March 09:00 (Shanghai), first follow-up due Wed 4,
      done Tue 3 10:00: on time, week 1, 25 hours; the next one is due Tue 10.
    * L2, registered Mon 2 March 09:00, first follow-up due Wed 4, done Sunday
      8 March 17:00 UTC — Monday 9 in Shanghai: late, and in week 2; 160 hours.
    * L3, registered Thu 5, first follow-up due Sat 7, never done: missing.
    * L4, registered Fri 6 09:00, first follow-up due Sun 8, done Sun 8 23:00
      Shanghai (15:00 UTC): on time, week 1, 62 hours.
    * L5, won before its follow-up: closed without execution, not counted.
    * L6, consultant 2's, registered Mon 9: one follow-up due Wed 11.

    Read on Tuesday 10 March 12:00 in Shanghai (week 2 is "this week")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["showroom.followup.compliance.report"]
        cls.leads = {}
        for name, registered, user in (
            ("L1", "2026-03-02 01:00:00", cls.consultant),
            ("L2", "2026-03-02 01:00:00", cls.consultant),
            ("L3", "2026-03-05 01:00:00", cls.consultant),
            ("L4", "2026-03-06 01:00:00", cls.consultant),
            ("L5", "2026-03-02 01:00:00", cls.consultant),
            ("L6", "2026-03-09 01:00:00", cls.consultant_2),
        ):
            with freeze_time(registered):
                lead = cls._create_lead(name=f"Compliance {name}", user_id=user.id)
                cls.env.flush_all()
            cls.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s, showroom_registered_at = %s WHERE id = %s",
                [registered, registered, lead.id],
            )
            lead.invalidate_recordset()
            cls.leads[name] = lead
        cls.first = {name: cls._open_followups(lead) for name, lead in cls.leads.items()}
        for name, done_at, reasons in (
            ("L1", "2026-03-03 02:00:00", cls.reason_price),
            ("L2", "2026-03-08 17:00:00", cls.reason_color),
            ("L4", "2026-03-08 15:00:00", cls.reason_price | cls.reason_color),
        ):
            with freeze_time(done_at):
                followup = cls.first[name].with_user(cls.consultant)
                followup.showroom_feedback_reason_ids = reasons
                followup.action_feedback(feedback="Spoke with the customer")
                cls.env.flush_all()  # the done day is computed at the flush: in the frozen time
        with freeze_time("2026-03-03 02:00:00"):
            cls.leads["L5"].action_set_won()
            cls.env.flush_all()
        cls.env.invalidate_all()

    def _rows(self, user=None, consultant=None):
        Report = self.Report.with_user(user) if user else self.Report
        rows = Report.search([("user_id", "=", (consultant or self.consultant).id)])
        return {row.week_start: row for row in rows}

    @freeze_time("2026-03-10 04:00:00")
    def test_figures_per_week(self):
        self.assertEqual(self.first["L2"].date_done, date(2026, 3, 9), "Sunday 17:00 UTC is Monday in Shanghai")
        rows = self._rows()
        self.assertEqual(set(rows), {WEEK_1, WEEK_2, WEEK_3})
        self.assertRecordValues(
            rows[WEEK_1],
            [
                {
                    "period": "last_week",
                    "team_id": self.team.id,
                    "due_count": 4,
                    "on_time_count": 2,
                    "late_count": 0,
                    "missing_count": 1,
                    "first_followup_count": 2,
                    "first_followup_hours": 43.5,  # median of 25 and 62
                }
            ],
        )
        self.assertRecordValues(
            rows[WEEK_2],
            [
                {
                    "period": "this_week",
                    "due_count": 2,  # L1's and L4's next follow-ups (Tue 10, Sun 15)
                    "on_time_count": 0,
                    "late_count": 1,  # L2's, done on Monday in Shanghai
                    "missing_count": 0,  # L1's next is due today: not missing yet
                    "first_followup_count": 1,
                    "first_followup_hours": 160.0,
                }
            ],
        )
        self.assertRecordValues(rows[WEEK_3], [{"period": False, "due_count": 1, "late_count": 0}])

    @freeze_time("2026-03-10 04:00:00")
    def test_grouped_this_week_by_consultant(self):
        groups = self.Report._read_group(
            [("period", "=", "this_week"), ("team_id", "=", self.team.id)],
            ["user_id"],
            ["due_count:sum", "late_count:sum", "missing_count:sum"],
        )
        self.assertEqual(
            {user: figures for user, *figures in groups},
            {self.consultant: [2, 1, 0], self.consultant_2: [1, 0, 0]},
        )

    @freeze_time("2026-03-11 16:30:00")
    def test_missing_once_overdue_in_the_assignees_day(self):
        """Thursday 00:30 in Shanghai (still Wednesday in UTC): L1's follow-up of
        Tuesday is missing, L6's of Wednesday too."""
        self.assertEqual(self._rows()[WEEK_2].missing_count, 1)
        self.assertEqual(self._rows(consultant=self.consultant_2)[WEEK_2].missing_count, 1)

    @freeze_time("2026-03-10 04:00:00")
    def test_drill_down_to_followups(self):
        row = self._rows()[WEEK_1]
        followups = {
            figure: self.env["mail.activity"]
            .with_context(active_test=False)
            .search(row.with_context(showroom_figure=figure).action_open_followups()["domain"])
            for figure in ("due", "on_time", "late", "missing")
        }
        self.assertEqual(followups["due"], self.first["L1"] | self.first["L2"] | self.first["L3"] | self.first["L4"])
        self.assertEqual(followups["on_time"], self.first["L1"] | self.first["L4"])
        self.assertFalse(followups["late"])
        self.assertEqual(followups["missing"], self.first["L3"])
        late = self._rows()[WEEK_2].with_context(showroom_figure="late").action_open_followups()
        self.assertEqual(
            self.env["mail.activity"].with_context(active_test=False).search(late["domain"]), self.first["L2"]
        )

    @freeze_time("2026-03-10 04:00:00")
    def test_feedback_reasons_most_heard(self):
        groups = self.env["showroom.followup.feedback.report"]._read_group(
            [("user_id", "=", self.consultant.id)], ["week_start:day", "reason_id"], ["followup_count:sum"]
        )
        self.assertEqual(
            {(week, reason): count for week, reason, count in groups},
            {
                (WEEK_1, self.reason_price): 2,
                (WEEK_1, self.reason_color): 1,
                (WEEK_2, self.reason_color): 1,
            },
        )

    @freeze_time("2026-03-10 04:00:00")
    def test_consultants_see_their_own_rows_managers_their_team(self):
        self.assertFalse(self._rows(user=self.consultant, consultant=self.consultant_2))
        self.assertEqual(len(self._rows(user=self.consultant)), 3)
        self.assertEqual(len(self._rows(user=self.manager, consultant=self.consultant_2)), 1)
        Feedback = self.env["showroom.followup.feedback.report"].with_user(self.consultant_2)
        self.assertFalse(Feedback.search([("user_id", "=", self.consultant.id)]))

    @freeze_time("2026-03-10 04:00:00")
    def test_manager_prints_the_selection(self):
        rows = self.Report.with_user(self.manager).search([("user_id", "=", self.consultant.id)])
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html("crm_showroom.report_showroom_followup_compliance", rows.ids)
        )
        self.assertIn(self.consultant.name, html.decode())
        self.assertIn("43.5", html.decode())
