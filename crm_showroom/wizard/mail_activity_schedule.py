from odoo import fields, models


class MailActivitySchedule(models.TransientModel):
    _inherit = "mail.activity.schedule"

    def action_schedule_plan(self):
        """The activities a plan creates keep their plan and, under the
        day-of-month window date rule, their window end (R5.1); placeholders of
        the templates' notes are rendered (see ``mail.activity.create``) — for
        showroom plans only; other plans are launched as stock Odoo does."""
        if not self.plan_id.is_showroom_plan:
            return super().action_schedule_plan()
        launch = (self.plan_id.id, fields.Date.to_string(self.plan_date) if self.plan_date else False)
        return super(MailActivitySchedule, self.with_context(showroom_plan_launch=launch)).action_schedule_plan()
