from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_followup")
@freeze_time("2026-03-10 02:00:00")
class TestFollowup(ShowroomCase):
    """R3/R4: the always-open follow-up, its feedback and its spacing by grade."""

    def test_new_opportunity_gets_48_hour_followup(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.activity_type_id, self.followup_type)
        self.assertEqual(followup.user_id, self.consultant)
        self.assertEqual(followup.date_deadline, date(2026, 3, 12), "the first follow-up is due within 48 hours")
        self.assertEqual(lead.showroom_followup_state, "planned")
        self.assertEqual(lead.showroom_next_followup_date, date(2026, 3, 12))

    def test_first_followup_respects_team_delay_and_grade(self):
        self.team.showroom_first_followup_days = 1
        lead = self._create_lead(showroom_grade_id=self.grades["A"].id)
        self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 11))
        self.team.showroom_first_followup_days = 5
        lead = self._create_lead(showroom_grade_id=self.grades["H"].id)
        self.assertEqual(
            self._open_followups(lead).date_deadline, date(2026, 3, 12), "never later than the grade's interval"
        )

    def test_converted_lead_gets_first_followup(self):
        lead = self._create_lead(type="lead")
        self.assertFalse(self._open_followups(lead))
        lead.convert_opportunity(self.env["res.partner"])
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 12))

    def test_unassigned_opportunity_followup_goes_to_team_leader(self):
        lead = self._create_lead(user_id=False)
        self.assertEqual(self._open_followups(lead).user_id, self.manager)

    def test_plain_team_and_leads_are_stock_odoo(self):
        lead = self.env["crm.lead"].create({"name": "Fleet deal", "type": "opportunity", "team_id": self.plain_team.id})
        self.assertFalse(self._open_followups(lead))
        self.assertFalse(lead.showroom_followup_state)
        lead = self.env["crm.lead"].create({"name": "A lead", "type": "lead", "team_id": self.team.id})
        self.assertFalse(self._open_followups(lead), "leads are qualified before the showroom rules apply")

    def test_done_requires_reasons_and_text(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead).with_user(self.consultant)
        with self.assertRaisesRegex(UserError, "feedback reason"):
            followup.action_feedback(feedback="Called, will think about it")
        followup.showroom_feedback_reason_ids = self.reason_price
        with self.assertRaisesRegex(UserError, "feedback reason"):
            followup.action_feedback(feedback="   ")
        self.assertTrue(followup.active, "nothing is marked done when the feedback is refused")
        self.assertEqual(len(self._all_followups(lead)), 1, "and no next follow-up is created")

    def test_done_keeps_feedback_and_schedules_next_by_grade(self):
        expected_days = {"O": 7, "H": 2, "A": 7, "B": 14, "C": 21, "N": 30}
        for code, days in expected_days.items():
            with self.subTest(grade=code):
                lead = self._create_lead(user=self.consultant, showroom_grade_id=self.grades[code].id)
                followup = self._open_followups(lead).with_user(self.consultant)
                self._mark_done(followup, text=f"Grade {code} call", reasons=self.reason_price | self.reason_color)
                self.assertFalse(followup.active)
                self.assertEqual(followup.date_done, date(2026, 3, 10))
                self.assertEqual(followup.showroom_feedback, f"Grade {code} call")
                self.assertEqual(followup.showroom_feedback_reason_ids, self.reason_price | self.reason_color)
                next_followup = self._open_followups(lead)
                self.assertEqual(len(next_followup), 1)
                self.assertEqual(next_followup.date_deadline, date(2026, 3, 10) + timedelta(days=days))
                self.assertEqual(next_followup.user_id, self.consultant)
                self.assertIn(followup, lead.showroom_followup_ids, "the done follow-up is in the lead's history")
                message = lead.message_ids.filtered(lambda m: m.mail_activity_type_id == self.followup_type)[:1]
                self.assertIn("Waiting for a price drop", message.body)
                self.assertIn(f"Grade {code} call", message.body)

    def test_done_from_the_history_list_schedules_next(self):
        """The history list reads done follow-ups too (active_test off); its buttons
        carry that context: the next follow-up must still be scheduled."""
        lead = self._create_lead()
        self._mark_done(self._open_followups(lead))
        followup = self._open_followups(lead).with_context(active_test=False)
        self._mark_done(followup)
        self.assertEqual(len(self._open_followups(lead)), 1)
        self.assertEqual(lead.with_context(active_test=False).showroom_followup_state, "planned")

    def test_edited_interval_applies(self):
        self.grades["B"].followup_interval_days = 10
        lead = self._create_lead(showroom_grade_id=self.grades["B"].id)
        self._mark_done(self._open_followups(lead))
        self.assertEqual(self._open_followups(lead).date_deadline, date(2026, 3, 20))

    def test_done_dialog_schedules_earlier_but_not_later(self):
        lead = self._create_lead(user=self.consultant, showroom_grade_id=self.grades["B"].id)
        followup = self._open_followups(lead).with_user(self.consultant)
        action = followup.action_feedback_schedule_next(feedback="typed in the chatter")
        self.assertEqual(action["res_model"], "showroom.followup.done")
        self.assertTrue(followup.active, "Done & Schedule Next only opens the dialog")
        Wizard = self.env["showroom.followup.done"].with_user(self.consultant).with_context(**action["context"])
        with Form(Wizard) as wizard_form:
            self.assertEqual(wizard_form.feedback, "typed in the chatter")
            self.assertEqual(wizard_form.next_deadline, date(2026, 3, 24))
            wizard_form.reason_ids.add(self.reason_color)
            wizard_form.next_deadline = date(2026, 3, 25)
        wizard = wizard_form.record
        with self.assertRaisesRegex(UserError, "on or before 03/24/2026"):
            wizard.action_done()
        self.assertTrue(followup.active)
        wizard.next_deadline = date(2026, 3, 13)
        wizard.next_summary = "Bring the white one for a test drive"
        wizard.action_done()
        self.assertFalse(followup.active)
        self.assertEqual(followup.showroom_feedback_reason_ids, self.reason_color)
        next_followup = self._open_followups(lead)
        self.assertEqual(next_followup.date_deadline, date(2026, 3, 13))
        self.assertEqual(next_followup.summary, "Bring the white one for a test drive")

    def test_list_done_button_opens_dialog(self):
        lead = self._create_lead()
        action = self._open_followups(lead).action_done()
        self.assertEqual(action["res_model"], "showroom.followup.done")

    def test_other_activities_are_untouched(self):
        lead = self._create_lead()
        call = lead.activity_schedule("mail.mail_activity_data_call", summary="Call")
        call.action_feedback(feedback="no feedback rules here")
        self.assertFalse(call.exists(), "stock activity types are deleted when done, as usual")
        self.assertEqual(len(self._open_followups(lead)), 1)

    def test_grade_change_pulls_followup_in(self):
        lead = self._create_lead(showroom_grade_id=self.grades["N"].id)
        followup = self._open_followups(lead)
        self._mark_done(followup)
        followup = self._open_followups(lead)
        self.assertEqual(followup.date_deadline, date(2026, 4, 9))
        lead.showroom_grade_id = self.grades["H"]
        self.assertEqual(followup.date_deadline, date(2026, 3, 12), "H: due within 2 days from today")
        lead.showroom_grade_id = self.grades["C"]
        self.assertEqual(followup.date_deadline, date(2026, 3, 12), "a slower grade never pushes it out")

    def test_deadline_beyond_grade_interval_refused(self):
        lead = self._create_lead(user=self.consultant, showroom_grade_id=self.grades["H"].id)
        followup = self._open_followups(lead).with_user(self.consultant)
        with self.assertRaisesRegex(ValidationError, "at least every 2 days"):
            followup.date_deadline = date(2026, 3, 20)
        with self.assertRaisesRegex(ValidationError, "at least every 2 days"):
            followup.action_snooze()

    def test_won_closes_followups_without_breach(self):
        lead = self._create_lead()
        followup = self._open_followups(lead)
        lead.action_set_won()
        self.assertFalse(followup.active)
        self.assertEqual(followup.showroom_closed_reason, "won")
        self.assertFalse(followup.showroom_feedback_reason_ids)
        self.assertIn(followup, lead.showroom_followup_ids)
        self.assertFalse(self._open_followups(lead))

    def test_lost_closes_and_restore_reopens(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        # the manager's lost applies at once (a consultant's is a request: test_lost_approval)
        lead.with_user(self.manager).action_set_lost(lost_reason_id=self.env.ref("crm.lost_reason_1").id)
        self.assertTrue(followup.exists(), "kept in history, not deleted by the activity mixin")
        self.assertFalse(followup.active)
        self.assertEqual(followup.showroom_closed_reason, "lost")
        lead.with_user(self.consultant).action_unarchive()
        restored = self._open_followups(lead)
        self.assertEqual(len(restored), 1)
        self.assertEqual(restored.date_deadline, date(2026, 3, 12), "the 48-hour follow-up again")
        self.assertEqual(restored.user_id, self.consultant)

    def test_won_then_reopened_gets_followup(self):
        lead = self._create_lead()
        lead.action_set_won()
        lead.stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        self.assertEqual(len(self._open_followups(lead)), 1)

    def test_lost_by_write_active(self):
        lead = self._create_lead()
        followup = self._open_followups(lead)
        lead.write({"active": False})
        self.assertEqual(followup.showroom_closed_reason, "lost")

    def test_salesperson_change_moves_open_followups(self):
        lead = self._create_lead()
        followup = self._open_followups(lead)
        lead.user_id = self.consultant_2
        self.assertEqual(followup.user_id, self.consultant_2)

    def test_delete_last_followup_refused_for_consultant(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead).with_user(self.consultant)
        with self.assertRaisesRegex(UserError, "must always have an open follow-up"):
            followup.unlink()
        with self.assertRaisesRegex(UserError, "must always have an open follow-up"):
            followup.action_cancel()
        self.assertTrue(followup.exists())

    def test_delete_non_last_followup_allowed(self):
        lead = self._create_lead(user=self.consultant)
        extra = lead.with_user(self.consultant).activity_schedule(
            "crm_showroom.activity_type_followup", date_deadline=date(2026, 3, 11), user_id=self.consultant.id
        )
        extra.with_user(self.consultant).unlink()
        self.assertFalse(extra.exists())
        self.assertEqual(len(self._open_followups(lead)), 1)

    def test_manager_cancels_last_followup_with_logged_reason(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        with self.assertRaisesRegex(UserError, "must always have an open follow-up"):
            followup.with_user(self.manager).unlink()
        action = followup.with_user(self.manager).action_showroom_cancel()
        wizard = self.env["showroom.followup.cancel"].with_user(self.manager).with_context(**action["context"]).create(
            {"reason": "Customer moved to Beijing, will be reassigned tomorrow"}
        )
        wizard.action_cancel()
        self.assertFalse(followup.exists())
        note = lead.message_ids[0]
        self.assertIn("Customer moved to Beijing", note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)

    def test_consultant_cannot_use_cancel_dialog(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        wizard = self.env["showroom.followup.cancel"].create({"activity_id": followup.id, "reason": "x"})
        with self.assertRaises(AccessError):
            wizard.with_user(self.consultant).action_cancel()
        self.assertTrue(followup.exists())

    def test_deleting_the_opportunity_is_not_blocked(self):
        lead = self._create_lead()
        followup = self._open_followups(lead)
        lead.unlink()
        self.assertFalse(followup.exists())

    def test_manager_instruction_notifies_consultant(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        self._mark_done(followup.with_user(self.consultant), text="Price too high")
        with self.assertRaisesRegex(UserError, "done follow-ups"):
            self._open_followups(lead).with_user(self.manager)._showroom_write_instruction("Too early")
        action = followup.with_user(self.manager).action_showroom_instruct()
        wizard = self.env["showroom.followup.instruction"].with_user(self.manager).with_context(**action["context"])
        wizard.create({"instruction": "Offer the trade-in subsidy on the next call"}).action_save()
        self.assertEqual(followup.showroom_instruction, "Offer the trade-in subsidy on the next call")
        self.assertEqual(followup.showroom_instruction_user_id, self.manager)
        note = lead.message_ids[0]
        self.assertIn("Offer the trade-in subsidy", note.body)
        self.assertIn(self.consultant.partner_id, note.notified_partner_ids)
        with self.assertRaises(AccessError):
            followup.with_user(self.consultant)._showroom_write_instruction("I instruct myself")
