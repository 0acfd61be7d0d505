from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_stock")
@freeze_time("2026-03-10 02:00:00")
class TestStockUntouched(ShowroomCase):
    """Outside showroom records Odoo behaves as before: plans that do not opt in
    are launched as stock Odoo does, and follow-up activities outside showroom
    teams need no feedback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = mail_new_test_user(
            cls.env, login="plain_salesman", name="Plain Salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.plan = cls.env["mail.activity.plan"].create(
            {
                "name": "Plain lead plan",
                "res_model": "crm.lead",
                "template_ids": [
                    (0, 0, {
                        "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                        "summary": "Send the brochure",
                        "note": "<p>Hello {{ object.name }}</p>",
                        "responsible_type": "on_demand",
                    }),
                ],
            }
        )  # fmt: skip
        cls.plain_lead = cls.env["crm.lead"].create(
            {"name": "Fleet deal", "type": "opportunity", "team_id": cls.plain_team.id, "user_id": cls.salesman.id}
        )

    def test_plain_plan_is_launched_as_stock(self):
        self.assertFalse(self.plan.is_showroom_plan)
        self.assertTrue(self.env.ref("crm_showroom.activity_plan_post_purchase").is_showroom_plan)
        wizard = (
            self.env["mail.activity.schedule"]
            .with_user(self.salesman)
            .with_context(active_model="crm.lead", active_ids=self.plain_lead.ids)
            .create({"plan_id": self.plan.id, "plan_on_demand_user_id": self.salesman.id})
        )
        wizard.action_schedule_plan()
        activity = self.plain_lead.activity_ids
        self.assertEqual(activity.summary, "Send the brochure")
        self.assertIn("{{ object.name }}", str(activity.note), "stock Odoo does not render plan notes")
        self.assertFalse(activity.showroom_plan_id)

    def test_plain_plan_notes_need_no_template_editor(self):
        """Stock Odoo lets plan editors write any note; only showroom plans, whose
        notes are rendered, are held to the template editor rule."""
        manager = mail_new_test_user(
            self.env, login="plain_manager", name="Plain Manager", groups="sales_team.group_sale_manager"
        )
        self.assertFalse(manager.has_group("mail.group_mail_template_editor"))
        template = self.plan.template_ids.with_user(manager)
        template.note = "<p>{{ object.partner_id.sudo().write({'name': 'x'}) }}</p>"
        self.assertIn("sudo", str(template.note))

    def test_followup_type_outside_the_showroom_is_a_stock_activity(self):
        followup_type = self.env.ref("crm_showroom.activity_type_followup")
        activity = self.plain_lead.with_user(self.salesman).activity_schedule(
            activity_type_id=followup_type.id, date_deadline=date(2026, 3, 11)
        )
        self.assertFalse(activity.showroom_feedback_required)
        result = activity.action_done()
        self.assertNotIsInstance(result, dict, "no feedback dialog: done at once, as stock Odoo")
        self.assertFalse(activity.active)

    def test_followup_type_outside_the_showroom_done_without_feedback(self):
        followup_type = self.env.ref("crm_showroom.activity_type_followup")
        activity = self.plain_lead.with_user(self.salesman).activity_schedule(
            activity_type_id=followup_type.id, date_deadline=date(2026, 3, 11)
        )
        activity.action_feedback(feedback="Sent the offer")
        self.assertFalse(activity.active, "done, kept as the type keeps done activities")
        self.assertFalse(activity.showroom_feedback_reason_ids)
        self.assertFalse(self.plain_lead.activity_ids, "no next follow-up is forced on a plain team")
