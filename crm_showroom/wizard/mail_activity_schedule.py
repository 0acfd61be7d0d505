from odoo import fields, models


class MailActivitySchedule(models.TransientModel):
    _inherit = "mail.activity.schedule"

    def action_schedule_plan(self):
        """The activities a plan creates keep their plan and, under the
        day-of-month window date rule, their window end (R5.1); placeholders of
        the templates' notes are rendered (see ``mail.activity.create``) and a
        vehicle's current delivery has its plan — for showroom plans only; other
        plans are launched as stock Odoo does."""
        if not self.plan_id.is_showroom_plan:
            return super().action_schedule_plan()
        launch = (self.plan_id.id, fields.Date.to_string(self.plan_date) if self.plan_date else False)
        result = super(MailActivitySchedule, self.with_context(showroom_plan_launch=launch)).action_schedule_plan()
        if self.res_model == "showroom.vehicle" and self._plan_filter_activity_templates_to_schedule():
            # R5.1: the plan of the vehicles' current delivery is launched (``plan_launched``).
            # sudo: the user just scheduled the plan on these vehicles; only their flag is written
            self._get_applied_on_records().sudo().plan_launched = True
        return result
