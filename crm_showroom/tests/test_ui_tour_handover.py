from odoo.tests import HttpCase, tagged

from .common import ShowroomCase

REASON = "Li leaves the company on 31 March."


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_handover")
class TestShowroomHandoverTour(HttpCase, ShowroomCase):
    """G1 in a real browser: the showroom manager hands a leaving consultant's open
    opportunities over to two colleagues, split evenly, with the mandatory reason;
    the opportunities move with their open follow-ups and the holders' history
    keeps the reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant_3 = cls._new_consultant("sr_consultant3", "Zhang Consultant")
        cls.team.member_ids |= cls.consultant_3

    def _leaving_consultants_leads(self):
        """Li's two open opportunities, Mr Sun's then Mr Qian's, each with its
        48-hour follow-up; ``{lead id: deadline}`` of those follow-ups."""
        sun = self._create_lead(name="Mr Sun - SUV 2.0T")
        qian = self._create_lead(name="Mr Qian - sedan", mobile="13800138011")
        followups = self._open_followups(sun) | self._open_followups(qian)
        self.assertEqual(len(followups), 2)
        self.assertEqual(followups.user_id, self.consultant)
        return sun, qian, {followup.res_id: followup.date_deadline for followup in followups}

    def test_manager_hands_over_evenly(self):
        sun, qian, deadlines = self._leaving_consultants_leads()
        self.assertLess(sun.id, qian.id)

        self.start_tour("/odoo/crm", "crm_showroom_handover", login=self.manager.login)

        # split evenly: in id order, to the recipients in the order listed (Wang, then Zhang)
        self._assert_handed_over(sun | qian, [self.consultant_2, self.consultant_3], deadlines)

    def test_manager_hands_over_by_hand(self):
        sun, qian, deadlines = self._leaving_consultants_leads()

        self.start_tour("/odoo/crm", "crm_showroom_handover_by_hand", login=self.manager.login)

        # the reverse of the even split: the lines decide
        self._assert_handed_over(sun | qian, [self.consultant_3, self.consultant_2], deadlines)

    def _assert_handed_over(self, leads, users, deadlines):
        """``leads`` (in id order) moved to ``users`` with their open follow-ups
        (same deadlines), the handover in the holders' history and the chatter."""
        leads = leads.sorted("id")
        self.assertRecordValues(leads, [{"user_id": user.id, "team_id": self.team.id} for user in users])
        for lead in leads:
            self.assertRecordValues(
                self._open_followups(lead),
                [{"user_id": lead.user_id.id, "date_deadline": deadlines[lead.id]}],
            )
        history = self.env["showroom.assignment"].search(
            [("lead_id", "in", leads.ids), ("reason", "=", "handed_over")]
        )
        self.assertRecordValues(
            history.sorted(lambda row: row.lead_id.id),
            [
                {
                    "lead_id": lead.id,
                    "user_id": lead.user_id.id,
                    "previous_user_id": self.consultant.id,
                    "changed_by_id": self.manager.id,
                    "note": REASON,
                    "date_to": False,
                }
                for lead in leads
            ],
        )
        self.assertFalse(
            self.env["showroom.handover"]._showroom_held_counts(self.consultant)[self.consultant.id],
            "the leaving consultant holds nothing any more",
        )
        self.assertIn("Handed over from Li Consultant to", leads[0].message_ids[0].body)
        self.assertIn(REASON, leads[0].message_ids[0].body)
