from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_lost")
@freeze_time("2026-03-10 18:30:00")  # UTC: Shanghai is already on 11 March
class TestLostApproval(ShowroomCase):
    """G3: a consultant's Mark Lost on a showroom opportunity is a request the
    showroom manager approves (lost) or rejects (instruction and follow-up)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("crm.lost_reason_1")
        cls.byd_han = cls.env.ref("crm_showroom.competitor_byd_han")

    def _wizard(self, leads, user, **values):
        return self.env["crm.lead.lost"].with_user(user).create({"lead_ids": [(6, 0, leads.ids)], **values})

    def _request(self, lead, **values):
        values = {"lost_reason_id": self.reason.id, "showroom_competitor_id": self.byd_han.id, **values}
        return self._wizard(lead, self.consultant, **values).action_lost_reason_apply()


    def test_consultant_mark_lost_is_a_request(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        wizard = self._wizard(
            lead,
            self.consultant,
            lost_reason_id=self.reason.id,
            showroom_competitor_id=self.byd_han.id,
            lost_feedback="<p>Bought a BYD Han: 20,000 cheaper</p>",
        )
        self.assertTrue(wizard.showroom_needs_approval)
        self.assertTrue(wizard.showroom_is_showroom)
        wizard.action_lost_reason_apply()
        self.assertTrue(lead.active, "the opportunity stays open until the manager decides")
        self.assertEqual(lead.showroom_lost_request_state, "requested")
        self.assertEqual(lead.showroom_lost_request_reason_id, self.reason)
        self.assertEqual(lead.showroom_lost_request_competitor_id, self.byd_han)
        self.assertEqual(lead.showroom_lost_request_note, "Bought a BYD Han: 20,000 cheaper")
        self.assertEqual(lead.showroom_lost_requested_by_id, self.consultant)
        self.assertFalse(lead.lost_reason_id)
        self.assertFalse(lead.showroom_lost_competitor_id)
        self.assertTrue(followup.active, "its follow-ups go on")
        activity = self._lost_request_activities(lead)
        self.assertEqual(activity.user_id, self.manager, "the team leader is asked")
        self.assertEqual(activity.date_deadline, date(2026, 3, 11), "today in the leader's (Shanghai) day")
        # asking again does not pile up activities
        self._request(lead)
        self.assertEqual(len(self._lost_request_activities(lead)), 1)

    def test_request_needs_a_reason(self):
        lead = self._create_lead(user=self.consultant)
        with self.assertRaisesRegex(UserError, "Say why the opportunity is lost"):
            self._wizard(lead, self.consultant, lost_feedback="<p><br></p>").action_lost_reason_apply()
        with self.assertRaisesRegex(UserError, "Say why the opportunity is lost"):
            lead.with_user(self.consultant).action_set_lost()
        self.assertEqual(lead.showroom_lost_request_state, "none")
        # a comment alone is a reason
        self._request(lead, lost_reason_id=False, lost_feedback="<p>Moved to another city</p>")
        self.assertEqual(lead.showroom_lost_request_state, "requested")

    def test_every_door_of_a_consultant(self):
        lead = self._create_lead(user=self.consultant)
        as_consultant = lead.with_user(self.consultant)
        as_consultant.action_set_lost(lost_reason_id=self.reason.id, showroom_lost_competitor_id=self.byd_han.id)
        self.assertTrue(lead.active)
        self.assertEqual(lead.showroom_lost_request_state, "requested")
        self.assertEqual(lead.showroom_lost_request_competitor_id, self.byd_han)
        for door in (
            lambda: as_consultant.write({"active": False}),
            as_consultant.action_archive,
            as_consultant.toggle_active,
        ):
            with self.assertRaisesRegex(UserError, "asks the showroom manager to approve"):
                door()
        self.assertTrue(lead.active)
        self.assertTrue(self._open_followups(lead))
        with self.assertRaisesRegex(AccessError, "only through Mark Lost, Approve and Reject"):
            as_consultant.write({"showroom_lost_request_state": "approved"})
        with self.assertRaisesRegex(AccessError, "only through Mark Lost, Approve and Reject"):
            self._create_lead(user=self.consultant, showroom_lost_request_state="approved")
        with self.assertRaisesRegex(AccessError, "Only showroom managers approve"):
            as_consultant.action_showroom_lost_approve()
        with self.assertRaisesRegex(AccessError, "Only showroom managers reject"):
            as_consultant._showroom_reject_lost("Keep trying")
        with self.assertRaisesRegex(AccessError, "Only showroom managers reject"):
            as_consultant.action_showroom_lost_reject()
        self.assertEqual(lead.showroom_lost_request_state, "requested")

    def test_manager_approves(self):
        lead = self._create_lead(user=self.consultant)
        followup = self._open_followups(lead)
        self._request(lead)
        lead.with_user(self.manager).action_showroom_lost_approve()
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)
        self.assertEqual(lead.lost_reason_id, self.reason)
        self.assertEqual(lead.showroom_lost_competitor_id, self.byd_han)
        self.assertEqual(lead.showroom_lost_request_state, "approved")
        self.assertFalse(followup.active)
        self.assertEqual(followup.showroom_closed_reason, "lost")
        activity = self._lost_request_activities(lead)
        self.assertTrue(activity.exists(), "the request's activity stays in the history, done")
        self.assertFalse(activity.active)
        with self.assertRaisesRegex(UserError, "no pending lost request|None of these"):
            lead.with_user(self.manager).action_showroom_lost_approve()

    def test_manager_rejects_with_instruction_and_followup(self):
        lead = self._create_lead(user=self.consultant, showroom_grade_id=self.grades["B"].id)
        self._request(lead)
        with self.assertRaisesRegex(UserError, "Write the instruction"):
            lead.with_user(self.manager)._showroom_reject_lost("  ")
        action = lead.with_user(self.manager).action_showroom_lost_reject()
        wizard = (
            self.env["showroom.lost.reject"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"instruction": "Invite him to Saturday's test-drive day"})
        )
        self.assertEqual(wizard.lead_ids, lead)
        wizard.action_reject()
        self.assertTrue(lead.active)
        self.assertEqual(lead.showroom_lost_request_state, "rejected")
        followups = self._open_followups(lead)
        instructed = followups.filtered("showroom_instruction")
        self.assertEqual(instructed.showroom_instruction, "Invite him to Saturday's test-drive day")
        self.assertEqual(instructed.user_id, self.consultant)
        self.assertEqual(
            instructed.date_deadline, date(2026, 3, 25), "grade B: two weeks from the consultant's 11 March"
        )
        self.assertIn("Invite him to Saturday", lead.message_ids[0].body)
        self.assertFalse(self._lost_request_activities(lead).active)
        # the consultant may ask again
        self._request(lead)
        self.assertEqual(lead.showroom_lost_request_state, "requested")
        self.assertEqual(len(self._lost_request_activities(lead).filtered("active")), 1)

    def test_manager_marks_lost_directly(self):
        lead = self._create_lead(user=self.consultant)
        wizard = self._wizard(lead, self.manager, lost_reason_id=self.reason.id, showroom_competitor_id=self.byd_han.id)
        self.assertFalse(wizard.showroom_needs_approval)
        wizard.action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.reason)
        self.assertEqual(lead.showroom_lost_competitor_id, self.byd_han)
        self.assertEqual(lead.showroom_lost_request_state, "none")

    def test_manager_lost_approves_pending_request(self):
        lead = self._create_lead(user=self.consultant)
        self._request(lead)
        self._wizard(lead, self.manager, lost_reason_id=self.reason.id).action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.showroom_lost_request_state, "approved")

    def test_won_withdraws_the_request(self):
        lead = self._create_lead(user=self.consultant)
        self._request(lead)
        lead.with_user(self.consultant).action_set_won()
        self.assertEqual(lead.showroom_lost_request_state, "none")
        self.assertFalse(self._lost_request_activities(lead).active)
        with self.assertRaisesRegex(UserError, "None of these"):
            lead.with_user(self.manager).action_showroom_lost_approve()

    def test_restore_resets_request_and_schedules_followup(self):
        lead = self._create_lead(user=self.consultant)
        self._request(lead)
        lead.with_user(self.manager).action_showroom_lost_approve()
        lead.with_user(self.consultant).action_unarchive()
        self.assertTrue(lead.active)
        self.assertEqual(lead.showroom_lost_request_state, "none")
        self.assertFalse(lead.showroom_lost_competitor_id)
        self.assertFalse(lead.lost_reason_id)
        followup = self._open_followups(lead)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.date_deadline, date(2026, 3, 13), "48 hours from the consultant's 11 March")

    def test_chatter_logs_every_step(self):
        lead = self._create_lead(user=self.consultant).with_context(tracking_disable=False)
        self.env.flush_all()
        self.env.cr.precommit.run()  # a new record's tracking starts at the next transaction
        self._wizard(lead, self.consultant, lost_reason_id=self.reason.id).with_context(
            tracking_disable=False
        ).action_lost_reason_apply()
        self.env.flush_all()
        self.env.cr.precommit.run()
        lead.with_user(self.manager).action_showroom_lost_approve()
        self.env.flush_all()
        self.env.cr.precommit.run()
        lead.with_user(self.consultant).action_unarchive()
        self.env.flush_all()
        self.env.cr.precommit.run()
        trackings = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.lead"),
                ("mail_message_id.res_id", "=", lead.id),
                ("field_id.name", "=", "showroom_lost_request_state"),
            ],
            order="id",
        )
        self.assertEqual(
            [(value.old_value_char, value.new_value_char) for value in trackings],
            [("None", "Requested"), ("Requested", "Approved"), ("Approved", "None")],
        )
        request_message = trackings[0].mail_message_id
        self.assertEqual(request_message.author_id, self.consultant.partner_id, "logged as the consultant")

    def test_plain_team_is_stock_odoo(self):
        lead = self.env["crm.lead"].create(
            {"name": "Fleet deal", "type": "opportunity", "team_id": self.plain_team.id, "user_id": self.consultant.id}
        )
        wizard = self._wizard(lead, self.consultant, lost_reason_id=self.reason.id)
        self.assertFalse(wizard.showroom_needs_approval)
        self.assertFalse(wizard.showroom_is_showroom)
        wizard.action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.reason)
        self.assertEqual(lead.showroom_lost_request_state, "none")
