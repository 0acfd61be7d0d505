from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.crm_showroom.tools.handover import split_evenly
from odoo.addons.mail.tests.common import mail_new_test_user

from .common_mileage import ShowroomMileageCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_handover")
@freeze_time("2026-03-10 18:30:00")  # Shanghai is already on the 11th
class TestHandover(ShowroomMileageCase):
    """G1: a leaving employee never takes customers away. A showroom manager hands
    over a consultant's open opportunities, base customers and vehicles, and a
    telemarketing user's open calls, with their open activities, evenly or by hand,
    with a reason logged on each record; done follow-ups keep their author; the
    user is archived only once they hold nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant_3 = cls._new_consultant("sr_consultant3", "Zhang Consultant")
        cls.team.member_ids |= cls.consultant_3
        # the leaving consultant: four more open opportunities (five with the one the car was sold from),
        # a base customer with the car they bought, a won opportunity (stays: not open)
        cls.leads = cls.origin_lead | cls.env["crm.lead"].create(
            [cls._lead_values(name=f"Lead {n}", mobile=f"1380013801{n}") for n in range(4)]
        )
        cls.won_lead = cls._create_lead(name="Won lead", mobile="13800138099")
        cls.won_lead.stage_id = cls.won_stage
        cls.vehicle = cls._make_vehicle(cls._linear(date(2026, 3, 1), 50100, per_day=10))
        cls.customer.user_id = cls.consultant
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")
        # a stock to-do of the consultant on the base customer, and a post-purchase follow-up on the car
        cls.customer_todo = cls.customer.activity_schedule(
            activity_type_id=cls.todo_type.id, user_id=cls.consultant.id, date_deadline=date(2026, 3, 12)
        )
        cls.vehicle_followup = cls.vehicle._showroom_schedule_followups(
            cls.followup_type, {cls.vehicle.id: date(2026, 3, 12)}, {cls.vehicle.id: "One week"}
        )
        # the telemarketing user's open call on the car
        cls.call = cls.env["showroom.milestone.call"].create(
            {
                "vehicle_id": cls.vehicle.id,
                "milestone_id": cls.m50.id,
                "user_id": cls.tm1.id,
                "date_open": date(2026, 3, 10),
                "date_end": date(2026, 6, 10),
            }
        )
        cls.call_activity = cls.call._schedule_calls({cls.call.id: date(2026, 3, 11)})
        # a colleague's customer, untouched
        cls.other_lead = cls._create_lead(user=None, name="Colleague's lead", user_id=cls.consultant_2.id,
                                          mobile="13800138098")

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _wizard(self, user=None, **values):
        Handover = self.env["showroom.handover"].with_user(user or self.manager)
        return Handover.create(
            {"user_id": self.consultant.id, "reason": "Li leaves the company on 31 March.", **values}
        )

    def _open_activities(self, records, user=None):
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids), ("active", "=", True)]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)

    # ------------------------------------------------------------
    # TESTS
    # ------------------------------------------------------------

    def test_split_evenly_is_deterministic(self):
        self.assertEqual(split_evenly([5, 1, 3, 2, 4], [9, 7]), {9: [1, 3, 5], 7: [2, 4]})
        self.assertEqual(split_evenly([], [9, 7]), {9: [], 7: []})

    def test_counts_shown(self):
        wizard = self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)])
        self.assertEqual(
            (wizard.opportunity_count, wizard.customer_count, wizard.vehicle_count, wizard.call_count),
            (5, 1, 1, 0),
        )
        # one 48-hour follow-up per open opportunity, the car's follow-up
        self.assertEqual(wizard.activity_count, 6)

    def test_everything_moves_to_one_user(self):
        self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        self.assertEqual(self.leads.user_id, self.consultant_2)
        self.assertEqual(self.customer.user_id, self.consultant_2)
        self.assertEqual(self.vehicle.user_id, self.consultant_2)
        self.assertEqual(self.won_lead.user_id, self.consultant, "a won opportunity is not open: it stays")
        self.assertEqual(self.other_lead.user_id, self.consultant_2)
        for records in (self.leads, self.customer, self.vehicle):
            self.assertFalse(self._open_activities(records, self.consultant), records)
        self.assertEqual(len(self._open_activities(self.leads, self.consultant_2)), 5)
        self.assertEqual(self.customer_todo.user_id, self.consultant_2)
        self.assertEqual(self.vehicle_followup.user_id, self.consultant_2)
        self.assertFalse(
            self.env["showroom.handover"]._showroom_held_counts(self.consultant)[self.consultant.id],
            "the consultant holds nothing any more",
        )
        # the holders' history keeps what was done, with the reason
        history = self.env["showroom.assignment"].search(
            [
                ("reason", "=", "handed_over"),
                "|", ("lead_id", "in", self.leads.ids), ("partner_id", "=", self.customer.id),
            ]
        )
        self.assertEqual(len(history), 6)
        self.assertEqual(history.user_id, self.consultant_2)
        self.assertEqual(history.previous_user_id, self.consultant)
        self.assertEqual(set(history.mapped("note")), {"Li leaves the company on 31 March."})

    def test_opportunities_stay_in_their_showroom_team(self):
        """A recipient outside the team (a colleague of another showroom): stock crm
        would move each opportunity to the recipient's default team."""
        newcomer = self._new_consultant("sr_newcomer", "Newcomer")
        self.plain_team.member_ids |= newcomer
        self._wizard(recipient_ids=[(6, 0, newcomer.ids)]).action_hand_over()
        self.assertEqual(self.leads.user_id, newcomer)
        self.assertEqual(self.leads.team_id, self.team)

    def test_opportunity_entered_before_the_entry_standard_moves(self):
        """An opportunity entered before its city was required (R2.2): the holder
        changes, the entry standard is not re-checked on a handover."""
        legacy = self.leads[1]
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET city_id = NULL WHERE id = %s", [legacy.id])
        legacy.invalidate_recordset(["city_id"])
        self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        self.assertRecordValues(legacy, [{"user_id": self.consultant_2.id, "team_id": self.team.id, "city_id": False}])
        with self.assertRaises(ValidationError, msg="an edit of the opportunity still asks for its city"):
            legacy.write({"mobile": "13800138077"})

    def test_follow_up_on_a_colleagues_record_moves_too(self):
        stray = self.other_lead._showroom_schedule_followups(
            self.followup_type,
            {self.other_lead.id: date(2026, 3, 12)},
            {self.other_lead.id: "Covering for Wang"},
            users={self.other_lead.id: self.consultant},
        )
        self._wizard(recipient_ids=[(6, 0, self.consultant_3.ids)]).action_hand_over()
        self.assertEqual(stray.user_id, self.consultant_3)
        self.assertEqual(self.other_lead.user_id, self.consultant_2, "the colleague's customer stays theirs")

    def test_split_evenly_round_robin(self):
        recipients = self.consultant_3 | self.consultant_2
        self._wizard(recipient_ids=[(6, 0, recipients.ids)]).action_hand_over()
        leads = self.leads.sorted("id")
        # in id order, dealt to the recipients in the order listed
        ordered = self.env["res.users"].browse(self._wizard_order(recipients))
        self.assertEqual([lead.user_id for lead in leads], [ordered[i % 2] for i in range(5)])
        for lead in leads:
            self.assertEqual(self._open_activities(lead).user_id, lead.user_id)
        self.assertEqual(self.customer.user_id, ordered[0])
        self.assertEqual(self.vehicle.user_id, ordered[0])

    def _wizard_order(self, recipients):
        """The recipients in the order the wizard lists them (the many2many's order)."""
        return self.env["showroom.handover"].new({"recipient_ids": [(6, 0, recipients.ids)]}).recipient_ids.ids

    def test_by_hand(self):
        wizard = self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)])
        wizard.action_load_lines()
        self.assertEqual(wizard.mode, "manual")
        self.assertEqual(len(wizard.line_ids), 7)
        self.assertEqual(wizard.line_ids.user_id, self.consultant_2, "the even split is proposed")
        lead_line = wizard.line_ids.filtered(
            lambda line: line.kind == "opportunity" and line.res_id == self.origin_lead.id
        )
        vehicle_line = wizard.line_ids.filtered(lambda line: line.kind == "vehicle")
        (lead_line | vehicle_line).user_id = self.consultant_3
        wizard.action_hand_over()
        self.assertEqual(self.origin_lead.user_id, self.consultant_3)
        self.assertEqual(self._open_activities(self.origin_lead).user_id, self.consultant_3)
        self.assertEqual(self.vehicle.user_id, self.consultant_3)
        self.assertEqual(self.vehicle_followup.user_id, self.consultant_3)
        self.assertEqual((self.leads - self.origin_lead).user_id, self.consultant_2)
        self.assertEqual(self.customer.user_id, self.consultant_2)

    def test_by_hand_without_recipients(self):
        wizard = self._wizard(mode="manual")
        wizard.action_load_lines()
        self.assertEqual(len(wizard.line_ids), 7)
        self.assertFalse(wizard.line_ids.user_id, "no proposal without recipients")
        wizard.line_ids.user_id = self.consultant_3
        wizard.action_hand_over()
        self.assertEqual(self.leads.user_id, self.consultant_3)
        self.assertEqual(self.vehicle_followup.user_id, self.consultant_3)

    def test_by_hand_every_line_needs_a_user_with_the_role(self):
        wizard = self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)])
        wizard.action_load_lines()
        wizard.line_ids[0].user_id = self.tm2
        with self.assertRaisesRegex(UserError, "go to consultants"):
            wizard.action_hand_over()
        wizard.line_ids[0].user_id = False
        with self.assertRaisesRegex(UserError, "Choose the new user of every item"):
            wizard.action_hand_over()
        self.assertEqual(self.leads.user_id, self.consultant, "nothing moved")

    def test_done_followups_keep_their_author(self):
        followup = self._open_followups(self.origin_lead)
        self._mark_done(followup.with_user(self.consultant))
        done = self._all_followups(self.origin_lead).filtered(lambda act: not act.active)
        self.assertEqual(done.user_id, self.consultant)
        messages_before = self.origin_lead.message_ids.filtered(lambda msg: msg.author_id == self.consultant.partner_id)
        self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        self.assertEqual(done.user_id, self.consultant, "a done follow-up keeps its author")
        self.assertEqual(self._open_followups(self.origin_lead).user_id, self.consultant_2)
        self.assertEqual(
            self.origin_lead.message_ids.filtered(lambda msg: msg.author_id == self.consultant.partner_id),
            messages_before,
            "the consultant's messages are not rewritten",
        )

    def test_chatter_logs_the_handover(self):
        self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        for record in (*self.leads, self.customer, self.vehicle):
            message = record.message_ids[0]
            self.assertIn("Handed over from Li Consultant to Wang Consultant by Zhao Manager", message.body)
            self.assertIn("Li leaves the company on 31 March.", message.body)
            self.assertEqual(message.author_id, self.manager.partner_id)
        self.assertNotIn("Handed over", self.won_lead.message_ids[:1].body or "")

    def test_calls_go_to_telemarketing(self):
        wizard = self._wizard(user_id=self.tm1.id, recipient_ids=[(6, 0, self.consultant_2.ids)])
        self.assertEqual(wizard.call_count, 1)
        with self.assertRaisesRegex(UserError, "calls go to telemarketing users"):
            wizard.action_hand_over()
        wizard.recipient_ids = self.tm2
        wizard.action_hand_over()
        self.assertEqual(self.call.user_id, self.tm2)
        self.assertEqual(self.call_activity.user_id, self.tm2)
        self.assertEqual(self.call.state, "open")
        self.assertIn("Handed over", self.call.message_ids[0].body)

    def test_recipient_without_the_role_refused(self):
        wizard = self._wizard(recipient_ids=[(6, 0, (self.consultant_2 | self.tm2).ids)])
        with self.assertRaisesRegex(UserError, "Xu Telemarketing would receive nothing"):
            wizard.action_hand_over()
        self.assertEqual(self.leads.user_id, self.consultant)

    def test_reason_required(self):
        wizard = self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)])
        wizard.reason = "  "
        with self.assertRaisesRegex(UserError, "Give the reason"):
            wizard.action_hand_over()

    def test_consultant_refused(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.consultant_2, recipient_ids=[(6, 0, self.consultant_2.ids)])
        with self.assertRaisesRegex(AccessError, "Only showroom managers hand over customers"):
            self.consultant.with_user(self.consultant_2).action_showroom_hand_over()

    def test_recipient_of_another_company_refused(self):
        other_company = self.env["res.company"].create({"name": "Other showroom"})
        outsider = mail_new_test_user(
            self.env, login="sr_outsider", name="Outsider", company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)], groups="crm_showroom.group_showroom_consultant",
        )
        wizard = self._wizard(recipient_ids=[(6, 0, outsider.ids)])
        with self.assertRaisesRegex(UserError, "Outsider cannot receive customers of"):
            wizard.action_hand_over()
        archived = self.consultant_3
        archived.sudo().action_archive()
        wizard.recipient_ids = archived
        with self.assertRaisesRegex(UserError, "Zhang Consultant cannot receive customers"):
            wizard.action_hand_over()
        self.assertEqual(self.leads.user_id, self.consultant)

    def test_archiving_a_holder_refused_then_allowed(self):
        with self.assertRaisesRegex(UserError, r"Li Consultant still holds 5 open opportunities, 1 base customers"):
            self.consultant.action_archive()
        with self.assertRaisesRegex(UserError, "1 open calls"):
            self.tm1.write({"active": False})
        self.assertTrue(self.consultant.active)
        action = self.consultant.with_user(self.manager).action_showroom_hand_over()
        self.assertEqual(action["context"], {"default_user_id": self.consultant.id})
        self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        self.consultant.action_archive()
        self.assertFalse(self.consultant.active)
        with self.assertRaisesRegex(UserError, "Li Consultant holds nothing to hand over"):
            self._wizard(recipient_ids=[(6, 0, self.consultant_2.ids)]).action_hand_over()
        # a user who never held anything archives as in stock Odoo
        self.tm2.action_archive()
        self.assertFalse(self.tm2.active)

    def test_queries_grow_with_batches_not_records(self):
        """Handing over 10 and 40 opportunities (with a follow-up each) in one chunk
        costs the same number of queries, give or take a few (93 and 94 when written)."""
        counts = []
        for size in (10, 40):
            leaving = mail_new_test_user(
                self.env, login=f"sr_bulk{size}", name=f"Bulk {size}", groups="crm_showroom.group_showroom_consultant",
            )
            self.env["crm.lead"].create(
                [self._lead_values(name=f"Bulk {n}", user_id=leaving.id, mobile=f"1390013{size:02d}{n:02d}")
                 for n in range(size)]
            )
            wizard = self._wizard(user_id=leaving.id, recipient_ids=[(6, 0, self.consultant_3.ids)])
            self.assertEqual(wizard.opportunity_count, size)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            wizard.action_hand_over()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(wizard.opportunity_count, 0)
        small, large = counts
        self.assertLessEqual(large - small, 3, f"queries for 10 vs 40 opportunities: {counts}")
