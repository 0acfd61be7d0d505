from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_security")
class TestSecurity(ShowroomCase):
    """G5: consultants see their own opportunities, follow-ups and feedback;
    managers see the whole showroom; segment admins configure the rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls._create_lead(user=cls.consultant, name="Mine")
        # another customer: the same one would be an ownership conflict (R7)
        cls.theirs = cls._create_lead(
            user=cls.consultant_2, user_id=cls.consultant_2.id, name="Theirs", mobile="13900139000"
        )
        followup = cls._open_followups(cls.theirs)
        followup.showroom_feedback_reason_ids = cls.reason_price
        followup.with_user(cls.consultant_2).action_feedback(feedback="Secret price talk")
        cls.their_done = followup

    def test_consultant_sees_only_own_opportunities(self):
        visible = self.env["crm.lead"].with_user(self.consultant).search([("team_id", "=", self.team.id)])
        self.assertIn(self.mine, visible)
        self.assertNotIn(self.theirs, visible)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.consultant).read(["name"])

    def test_consultant_cannot_read_others_followups_or_feedback(self):
        Activity = self.env["mail.activity"].with_user(self.consultant).with_context(active_test=False)
        found = Activity.search([("res_model", "=", "crm.lead"), ("res_id", "=", self.theirs.id)])
        self.assertFalse(found)
        with self.assertRaises(AccessError):
            self.their_done.with_user(self.consultant).read(["showroom_feedback", "showroom_feedback_reason_ids"])
        own = Activity.search([("res_model", "=", "crm.lead"), ("res_id", "=", self.mine.id)])
        self.assertEqual(len(own), 1)

    def test_manager_sees_everything(self):
        visible = self.env["crm.lead"].with_user(self.manager).search([("team_id", "=", self.team.id)])
        self.assertEqual(visible, self.mine | self.theirs)
        feedback = self.their_done.with_user(self.manager).read(["showroom_feedback"])[0]["showroom_feedback"]
        self.assertEqual(feedback, "Secret price talk")

    def test_only_segment_admins_configure_rules(self):
        """G5: managers and consultants read the rules; a segment admin edits the
        rules of their own companies; the shared (shipped) ones, which every
        company follows, only group management edits."""
        segment_admin = mail_new_test_user(
            self.env, login="sr_segment_admin", groups="crm_showroom.group_showroom_admin"
        )
        group_management = mail_new_test_user(
            self.env, login="sr_group_management", groups="crm_showroom.group_showroom_group_management"
        )
        grade = self.grades["H"]
        self.assertEqual(grade.with_user(self.consultant).followup_interval_days, 2, "consultants read grades")
        for model, values in (
            ("showroom.grade", {"followup_interval_days": 1}),
            ("showroom.feedback.reason", {"name": "Renamed"}),
            ("showroom.source.channel", {"name": "Renamed"}),
        ):
            with self.subTest(model=model):
                shared = self.env[model].search([("company_id", "=", False)], limit=1)
                for user in (self.consultant, self.manager, segment_admin):
                    with self.assertRaises(AccessError):
                        shared.with_user(user).write(values)
                shared.with_user(group_management).write(values)
        own_grade = self.env["showroom.grade"].with_user(segment_admin).create(
            {"code": "X", "name": "Exhibition", "followup_interval_days": 3}
        )
        self.assertEqual(own_grade.company_id, self.company, "a segment admin's grade belongs to their company")
        own_grade.with_user(segment_admin).followup_interval_days = 4
        with self.assertRaises(AccessError):
            own_grade.with_user(self.manager).followup_interval_days = 5
        with self.assertRaises(AccessError):
            self.env["showroom.grade"].with_user(segment_admin).create(
                {"code": "Y", "name": "Shared", "followup_interval_days": 3, "company_id": False}
            )

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Shijiazhuang Store", "country_id": self.china.id})
        other_consultant = mail_new_test_user(
            self.env, login="sjz_consultant", company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
            groups="crm_showroom.group_showroom_consultant",
        )
        other_team = self.env["crm.team"].create(
            {"name": "SJZ Showroom", "is_showroom": True, "company_id": other_company.id}
        )
        other = self._create_lead(
            name="Other company", team_id=other_team.id, company_id=other_company.id, user_id=other_consultant.id
        )
        visible = self.env["crm.lead"].with_user(self.manager).search([("is_showroom", "=", True)])
        self.assertNotIn(other, visible, "managers see the opportunities of their own companies only")
        self.assertIn(self.theirs, visible)
