from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ShowroomCase

LOCKED = "is not changed afterwards"
OVERDUE = "is overdue"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_followup")
@freeze_time("2026-03-10 02:00:00")
class TestFollowupAudit(ShowroomCase):
    """The audit trail (R4.3, R8): done follow-ups and instructions cannot be
    rewritten by consultants; a manager corrects with a logged reason; an overdue
    follow-up is not snoozed without recording the call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._create_lead(user=cls.consultant).with_env(cls.env)
        cls.unreachable = cls.env.ref("crm_showroom.feedback_reason_unreachable")

    def setUp(self):
        super().setUp()
        self.done = self._open_followups(self.lead)
        self._mark_done(self.done.with_user(self.consultant), text="Will come on Saturday")
        self.assertFalse(self.done.active)

    def _notes(self):
        return self.lead.message_ids.filtered(lambda msg: "Reason:" in str(msg.body))

    def test_consultant_cannot_rewrite_done_followup(self):
        done = self.done.with_user(self.consultant)
        for vals in (
            {"showroom_feedback": "Bought elsewhere"},
            {"showroom_feedback_reason_ids": [(6, 0, self.reason_color.ids)]},
            {"date_done": date(2026, 3, 1)},
            {"user_id": self.consultant_2.id},
            {"active": True},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, LOCKED):
                done.write(vals)
        with self.assertRaisesRegex(UserError, LOCKED):
            done.unlink()
        with self.assertRaises(AccessError):  # a reason does not make a consultant a manager
            done.with_context(showroom_correction_reason="typo").showroom_feedback = "x"
        self.assertEqual(self.done.showroom_feedback, "Will come on Saturday")
        self.assertEqual(self.done.showroom_feedback_reason_ids, self.reason_price)
        self.assertEqual(self.done.date_done, date(2026, 3, 10))

    def test_manager_corrects_with_a_logged_reason(self):
        done = self.done.with_user(self.manager)
        with self.assertRaisesRegex(UserError, LOCKED):
            done.showroom_feedback = "Will come on Sunday"
        done.with_context(showroom_correction_reason="The customer called back").showroom_feedback = "On Sunday"
        self.assertEqual(self.done.showroom_feedback, "On Sunday")
        note = self._notes()
        self.assertEqual(len(note), 1)
        self.assertIn("The customer called back", str(note.body))
        self.assertIn("Feedback details", str(note.body))
        done.with_context(showroom_correction_reason="Duplicate").unlink()
        self.assertFalse(self.done.exists())
        self.assertEqual(len(self._notes()), 2)

    def test_only_managers_write_instructions(self):
        done = self.done.with_user(self.consultant)
        with self.assertRaises(AccessError):
            done.showroom_instruction = "Offer a test drive"
        with self.assertRaises(AccessError):
            done._showroom_write_instruction("Offer a test drive")
        self.assertFalse(self.done.showroom_instruction)
        self.done.with_user(self.manager)._showroom_write_instruction("Offer a test drive")
        self.assertEqual(self.done.showroom_instruction, "Offer a test drive")
        self.assertEqual(self.done.showroom_instruction_user_id, self.manager)

    def test_overdue_followup_is_not_snoozed(self):
        followup = self._open_followups(self.lead).with_user(self.consultant)
        self.assertEqual(followup.date_deadline, date(2026, 3, 17))
        followup.date_deadline = date(2026, 3, 12)  # not overdue: rescheduling is fine
        with freeze_time("2026-03-14 02:00:00"):  # overdue since the 12th
            for move in (followup.action_snooze, lambda: followup.write({"date_deadline": date(2026, 3, 15)})):
                with self.assertRaisesRegex(UserError, OVERDUE):
                    move()
            self.assertEqual(followup.date_deadline, date(2026, 3, 12))
            followup.showroom_feedback_reason_ids = self.unreachable
            followup.action_feedback(feedback="No answer twice")
            self.assertEqual(self._open_followups(self.lead).date_deadline, date(2026, 3, 21))

    def test_snooze_elsewhere_is_stock(self):
        plain = self.env["crm.lead"].create(
            {"name": "Fleet deal", "type": "opportunity", "team_id": self.plain_team.id}
        )
        with freeze_time("2026-03-01 02:00:00"):
            activity = plain.activity_schedule("crm_showroom.activity_type_followup", date_deadline=date(2026, 3, 2))
        activity.action_snooze()
        self.assertEqual(activity.date_deadline, date(2026, 3, 17))
