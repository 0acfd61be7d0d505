import logging
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_followup")
@freeze_time("2026-03-10 02:00:00")
class TestFollowupSweep(ShowroomCase):
    """R4.1's nightly safety net: ``crm.lead._cron_showroom_followup_sweep``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the sweep covers the whole database: keep other showroom teams (demo data) out
        cls.env["crm.team"].search([("id", "!=", cls.team.id)]).is_showroom = False
        Lead = cls.env["crm.lead"].with_context(mail_activity_automation_skip=True)
        cls.gaps = Lead.create([cls._lead_values(name=f"Gap {i}", mobile=f"1380013800{i}") for i in range(5)])
        cls.covered = cls._create_lead(name="Covered")
        cls.won = cls._create_lead(name="Won")
        cls.won.action_set_won()
        cls.lost = Lead.create(cls._lead_values(name="Lost"))
        cls.lost.action_set_lost()
        cls.plain = Lead.create({"name": "Plain", "type": "opportunity", "team_id": cls.plain_team.id})

    def test_filters_find_the_gaps(self):
        found = self.env["crm.lead"].search([("showroom_followup_state", "=", "none")])
        self.assertEqual(found, self.gaps)
        self.assertEqual(
            self.env["crm.lead"].search([("showroom_followup_state", "=", "planned")]), self.covered
        )

    def test_sweep_fixes_gaps_once(self):
        with self.assertLogs("odoo.addons.crm_showroom.models.crm_lead", level=logging.INFO) as logs:
            fixed = self.env["crm.lead"]._cron_showroom_followup_sweep(batch_size=2)
        self.assertEqual(fixed, 5)
        self.assertIn("5 opportunities given a follow-up", logs.output[-1])
        for lead in self.gaps:
            followup = self._open_followups(lead)
            self.assertEqual(len(followup), 1)
            self.assertEqual(followup.date_deadline, date(2026, 3, 10), "due today")
            self.assertEqual(followup.user_id, self.consultant)
        self.assertEqual(len(self._open_followups(self.covered)), 1, "covered opportunities are left alone")
        for lead in self.won | self.lost | self.plain:
            self.assertFalse(self._open_followups(lead))
        activity_count = self.env["mail.activity"].search_count([])
        self.assertEqual(self.env["crm.lead"]._cron_showroom_followup_sweep(), 0, "a second run creates nothing")
        self.assertEqual(self.env["mail.activity"].search_count([]), activity_count)

    def test_sweep_reports_progress(self):
        cron = self.env.ref("crm_showroom.ir_cron_followup_sweep")
        self.assertEqual(cron.code.strip(), "model._cron_showroom_followup_sweep()")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
        self.env["crm.lead"].with_context(ir_cron_progress_id=progress.id)._cron_showroom_followup_sweep(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (5, 0))

    @mute_logger("odoo.sql_db")
    def test_sweep_skips_a_bad_record_and_continues(self):
        bad = self.gaps[2]
        # a salesperson whose account was removed from the database since: the
        # follow-up cannot be assigned to them
        self.env.cr.execute("ALTER TABLE crm_lead DROP CONSTRAINT IF EXISTS crm_lead_user_id_fkey")
        self.env.cr.execute("UPDATE crm_lead SET user_id = 999999999 WHERE id = %s", [bad.id])
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.crm_showroom.models.crm_lead", level=logging.ERROR) as logs:
            fixed = self.env["crm.lead"]._cron_showroom_followup_sweep(batch_size=10)
        self.assertEqual(fixed, 4)
        self.assertIn(f"lead {bad.id}", logs.output[0])
        self.assertFalse(self._open_followups(bad))
        self.assertEqual(len(self.env["crm.lead"].search([("showroom_followup_state", "=", "none")])), 1)
