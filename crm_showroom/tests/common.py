import os
from contextlib import contextmanager
from datetime import date, datetime

from freezegun import freeze_time

from odoo import api
from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


def showroom_demo_missing(test):
    """A test of the demo data found no demo: it fails where the demo was meant to be
    installed — under scripts/test (which sets ``CRM_SHOWROOM_REQUIRE_DEMO``) or when
    Odoo recorded that the demo failed to install (``ir.demo_failure``) — and is skipped
    only on a database installed without demo data on purpose (pytest-odoo)."""
    failure = test.env["ir.demo_failure"].sudo().search([("module_id.name", "=", "crm_showroom")], limit=1)
    if failure:
        test.fail(f"crm_showroom's demo data failed to install:\n{failure.error}")
    if os.environ.get("CRM_SHOWROOM_REQUIRE_DEMO"):
        test.fail("crm_showroom's demo data is not loaded, and this run requires it (CRM_SHOWROOM_REQUIRE_DEMO)")
    test.skipTest("crm_showroom's demo data is not loaded")


class ShowroomDemoCase(TransactionCase):
    """Tests of the demo data: its showroom company and its users by login
    (``DEMO_LOGINS``); without the demo, see ``showroom_demo_missing``."""

    DEMO_LOGINS = ("manager", "consultant1", "consultant2", "consultant3", "telemarketing", "finance")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("crm_showroom.company_showroom", raise_if_not_found=False)
        Users = cls.env["res.users"]
        users = {user.login: user for user in Users.search([("login", "in", cls.DEMO_LOGINS)])} if cls.company else {}
        cls.users = {login: users.get(login, Users) for login in cls.DEMO_LOGINS}  # a missing one: empty

    def setUp(self):
        super().setUp()
        if not self.company:
            showroom_demo_missing(self)


class ShowroomCase(TransactionCase):
    """The showroom fixture: a showroom team led by a manager with two
    consultants, a plain sales team, and a helper that builds an opportunity
    meeting the entry standard (R2.2, R5.2)."""

    TODAY = date(2026, 3, 10)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No ``tz`` in the context: the rules count days in the assignee's or the
        # company's time zone, as they must when a cron (no context) runs them.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.showroom_tz = "Asia/Shanghai"
        cls.china = cls.env.ref("base.cn")
        cls.hebei = cls.env.ref("base.state_cn_HE")
        cls.county = cls.env["res.city"].search([("name", "=", "保定市定州市")], limit=1)
        cls.company.country_id = cls.china

        cls.manager = mail_new_test_user(
            cls.env, login="sr_manager", name="Zhao Manager", tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_manager",
        )
        cls.consultant = cls._new_consultant("sr_consultant", "Li Consultant")
        cls.consultant_2 = cls._new_consultant("sr_consultant2", "Wang Consultant")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Test Showroom",
                "is_showroom": True,
                "user_id": cls.manager.id,
                "member_ids": [(6, 0, (cls.consultant | cls.consultant_2).ids)],
            }
        )
        cls.plain_team = cls.env["crm.team"].create({"name": "Fleet Sales"})
        cls.grades = {
            code: cls.env.ref(f"crm_showroom.grade_{code.lower()}") for code in ("O", "H", "A", "B", "C", "N")
        }
        cls.followup_type = cls.env.ref("crm_showroom.activity_type_followup")
        cls.walk_in = cls.env.ref("crm_showroom.channel_walk_in")
        cls.referral = cls.env.ref("crm_showroom.channel_referral")
        cls.reason_price = cls.env.ref("crm_showroom.feedback_reason_price_drop")
        cls.reason_color = cls.env.ref("crm_showroom.feedback_reason_color_unavailable")
        cls.old_customer = cls.env["res.partner"].create({"name": "Old Customer Chen"})
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    @contextmanager
    def assertRaisesRegex(self, exception, regex):  # pylint: disable=arguments-differ
        """Odoo's ``assertRaises`` runs the failing code in a savepoint, so that what
        it wrote is rolled back and can be checked as not saved; unittest's
        ``assertRaisesRegex`` does not. This one does both."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    @classmethod
    def _lead_values(cls, **overrides):
        values = {
            "name": "Mr Sun - SUV 2.0T",
            "type": "opportunity",
            "team_id": cls.team.id,
            "user_id": cls.consultant.id,
            "contact_name": "孙先生",
            "mobile": "13800138000",
            "showroom_grade_id": cls.grades["A"].id,
            "showroom_channel_id": cls.walk_in.id,
            "showroom_purchase_type": "first",
            "showroom_customer_kind": "person",
            "country_id": cls.china.id,
            "state_id": cls.hebei.id,
            "city_id": cls.county.id,
            "street": "中山路 88 号",
        }
        if "mobile" not in overrides and overrides.get("user_id") not in (None, cls.consultant.id):
            # another consultant's own customer by default: the same customer held by two
            # consultants of the company is an ownership conflict (R7)
            values["mobile"] = f"1390013{overrides['user_id'] % 10000:04d}"
        for fname, value in overrides.items():
            if value is None:  # leave the field to its default / compute
                values.pop(fname, None)
            else:
                values[fname] = value
        return values

    def _lost_request_activities(self, lead):
        """The lost requests (G3) of ``lead``: their manager's activities, done ones included."""
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "=", lead.id),
                    ("activity_type_id", "=", self.env.ref("crm_showroom.activity_type_lost_request").id),
                ]
            )
        )

    @classmethod
    def _create_lead(cls, user=None, **overrides):
        Lead = cls.env["crm.lead"].with_user(user) if user else cls.env["crm.lead"]
        return Lead.create(cls._lead_values(**overrides))

    @staticmethod
    def _open_followups(lead):
        return lead.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("is_showroom_followup", "=", True)]
        )

    @classmethod
    def _new_consultant(cls, login, name):
        """A showroom consultant working in Shanghai's day."""
        return mail_new_test_user(
            cls.env, login=login, name=name, tz="Asia/Shanghai", groups="crm_showroom.group_showroom_consultant"
        )

    @staticmethod
    def _all_followups(lead):
        return lead.env["mail.activity"].with_context(active_test=False).search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("is_showroom_followup", "=", True)]
        )

    def _mark_done(self, followup, text="Wants to wait for the spring promotion", reasons=None, **context):
        followup.showroom_feedback_reason_ids = reasons or self.reason_price
        return followup.with_context(**context).action_feedback(feedback=text)


class ShowroomConcurrencyCase(TransactionCase):
    """Two transactions at once: two cursors on committed data (their commits are
    the tests' point). The test's own transaction writes nothing: it would hold
    locks the others wait for."""

    @contextmanager
    def _committed_fixture(self):
        """A showroom team with two consultants and one opportunity, committed so that
        other cursors see them; removed afterwards. The opportunity is due for release
        from March 16th, 2026; the demo's are registered later (at install)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            users = env["res.users"].create(
                [
                    {"name": f"Concurrent {n}", "login": f"sr_concurrent_{n}", "tz": "Asia/Shanghai",
                     "groups_id": [(6, 0, env.ref("crm_showroom.group_showroom_consultant").ids)]}
                    for n in (1, 2)
                ]
            )
            team = env["crm.team"].create(
                {"name": "Concurrent Showroom", "is_showroom": True, "member_ids": [(6, 0, users.ids)]}
            )
            with freeze_time("2026-03-01 02:00:00"):
                lead = env["crm.lead"].create(
                    {
                        "name": "Mr Qian - sedan",
                        "type": "opportunity",
                        "team_id": team.id,
                        "user_id": users[0].id,
                        "contact_name": "钱先生",
                        "mobile": "13900139000",
                        "showroom_grade_id": env.ref("crm_showroom.grade_a").id,
                        "showroom_channel_id": env.ref("crm_showroom.channel_walk_in").id,
                        "showroom_purchase_type": "first",
                        "showroom_customer_kind": "person",
                        "country_id": env.ref("base.cn").id,
                        "state_id": env.ref("base.state_cn_HE").id,
                        "city_id": env["res.city"].search([("name", "=", "保定市定州市")], limit=1).id,
                        "street": "中山路 8 号",
                    }
                )
                env.flush_all()
            cr.execute(
                "UPDATE crm_lead SET create_date = %s, showroom_registered_at = %s WHERE id = %s",
                [datetime(2026, 3, 1, 2), datetime(2026, 3, 1, 2), lead.id],
            )
            cr.commit()  # pylint: disable=invalid-commit
            ids = (users.ids, team.id, lead.id)
        try:
            yield ids
        finally:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                user_ids, team_id, lead_id = ids
                cr.execute("DELETE FROM showroom_fine WHERE user_id = ANY(%s)", [user_ids])
                cr.execute("DELETE FROM showroom_inspection WHERE user_id = ANY(%s)", [user_ids])
                cr.execute("DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND res_id = %s", [lead_id])
                cr.execute("DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id = %s", [lead_id])
                cr.execute("DELETE FROM crm_lead WHERE id = %s", [lead_id])
                env["crm.team"].browse(team_id).unlink()
                env["res.users"].browse(user_ids).unlink()
                cr.commit()  # pylint: disable=invalid-commit

    def _env(self, cr, uid=api.SUPERUSER_ID):
        return api.Environment(cr, uid, {})
