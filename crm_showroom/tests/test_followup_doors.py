from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ShowroomCase

REFUSED = "must always have an open follow-up"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_followup")
@freeze_time("2026-03-10 02:00:00")
class TestFollowupDoors(ShowroomCase):
    """R4.1 at every door: whatever the way in (form, import, RPC — the ORM with
    the consultant's access rights), an open showroom opportunity keeps an open
    follow-up. Removing the last one is refused; done brings the next one first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # created by the consultant, checked as the administrator
        cls.lead = cls._create_lead(user=cls.consultant).with_env(cls.env)
        cls.other_lead = cls._create_lead(user=cls.consultant, name="Ms Qian - MPV", mobile="13900139000")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    def setUp(self):
        super().setUp()
        self.followup = self._open_followups(self.lead).with_user(self.consultant)
        self.assertEqual(len(self.followup), 1)

    def _assert_still_open(self):
        followup = self._open_followups(self.lead)
        self.assertEqual(followup, self.followup, "the follow-up is unchanged")
        self.assertEqual(followup.res_id, self.lead.id)
        self.assertTrue(followup.is_showroom_followup)

    def test_activity_type_change_refused(self):
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.activity_type_id = self.todo
        self._assert_still_open()

    def test_move_to_another_opportunity_refused(self):
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.res_id = self.other_lead.id
        self._assert_still_open()

    def test_move_to_another_model_refused(self):
        partner_model = self.env["ir.model"]._get("res.partner")
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.write({"res_model_id": partner_model.id, "res_id": self.old_customer.id})
        self._assert_still_open()

    def test_archive_refused(self):
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.active = False
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.action_archive()
        self._assert_still_open()

    def test_delete_refused(self):
        with self.assertRaisesRegex(UserError, REFUSED):
            self.followup.unlink()
        self._assert_still_open()

    def test_import_cannot_change_the_type(self):
        """Odoo's import (``load``, what base_import and RPC imports call) reports
        the refusal per row and saves nothing."""
        with mute_logger("odoo.models"):
            result = self.env["mail.activity"].with_user(self.consultant).load(
                [".id", "activity_type_id/.id"], [[str(self.followup.id), str(self.todo.id)]]
            )
        self.assertFalse(result["ids"])
        self.assertRegex(result["messages"][0]["message"], REFUSED)
        self._assert_still_open()

    def test_import_of_opportunity_brings_its_followup(self):
        result = self.env["crm.lead"].with_user(self.consultant).load(
            ["name", "type", "team_id/.id", "user_id/.id", "contact_name", "mobile", "showroom_grade_id/.id",
             "showroom_channel_id/.id", "showroom_purchase_type", "country_id/.id", "state_id/.id", "city_id/.id",
             "street"],
            [["Imported - Sedan", "opportunity", str(self.team.id), str(self.consultant.id), "周先生", "13700137000",
              str(self.grades["B"].id), str(self.walk_in.id), "first", str(self.china.id), str(self.hebei.id),
              str(self.county.id), "解放路 1 号"]],
        )  # fmt: skip
        self.assertFalse(result["messages"])
        lead = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(lead.mobile, "+86 137 0013 7000")
        self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 12))

    def test_changes_that_keep_a_followup_are_allowed(self):
        second = self.lead.with_user(self.consultant).activity_schedule(
            "crm_showroom.activity_type_followup", date_deadline=date(2026, 3, 11), user_id=self.consultant.id
        )
        self.followup.action_archive()  # another one stays open
        second.write({"activity_type_id": self.env.ref("crm_showroom.activity_type_followup").id})
        self.assertEqual(self._open_followups(self.lead), second)

    def test_manager_with_a_reason_may(self):
        followup = self.followup.with_user(self.manager)
        with self.assertRaisesRegex(UserError, REFUSED):
            followup.activity_type_id = self.todo
        followup.with_context(showroom_followup_cancel_reason="Duplicate customer").activity_type_id = self.todo
        self.assertFalse(self._open_followups(self.lead))

    def test_done_brings_the_next_followup_first(self):
        self._mark_done(self.followup)
        self.assertFalse(self.followup.active)
        self.assertEqual(self._open_followups(self.lead).date_deadline, date(2026, 3, 17))

    def test_lead_doors(self):
        """Moving the opportunity: to another salesperson (the follow-up moves),
        out of the showroom (the rule no longer applies), back in (a new one)."""
        lead = self.lead.with_user(self.manager)
        lead.user_id = self.consultant_2
        self.assertEqual(self._open_followups(self.lead).user_id, self.consultant_2)
        lead.team_id = self.plain_team
        self.assertFalse(lead.showroom_followup_state)
        self.followup.with_user(self.manager).action_archive()  # stock Odoo outside the showroom
        lead.write({"team_id": self.team.id, "user_id": self.consultant.id})
        self.assertEqual(self._open_followups(self.lead).date_deadline, date(2026, 3, 12))

    def test_merge_moves_the_followups(self):
        """Merging opportunities (crm's ``_merge_opportunity``) moves the open
        follow-ups of those merged away to the one kept."""
        kept = (self.lead | self.other_lead).with_user(self.consultant).merge_opportunity()
        self.assertFalse(((self.lead | self.other_lead) - kept).exists(), "the other one is deleted")
        self.assertEqual(len(self._open_followups(kept.with_env(self.env))), 2)

