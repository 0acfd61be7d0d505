from markupsafe import Markup

from odoo import _, fields, models
from odoo.tools import format_date


class ShowroomFollowupCancel(models.TransientModel):
    """A showroom manager cancels a follow-up with a reason, logged in the
    opportunity's chatter: the only way to remove the last open follow-up of an
    open showroom opportunity (R4.1)."""

    _name = "showroom.followup.cancel"
    _description = "Cancel Showroom Follow-up"

    activity_id = fields.Many2one("mail.activity", required=True, ondelete="cascade")
    res_name = fields.Char(related="activity_id.res_name", string="Customer")
    summary = fields.Char(related="activity_id.summary")
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers can cancel follow-ups with a reason."))
        activity = self.activity_id
        record = self.env[activity.res_model].browse(activity.res_id)
        record.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                _(
                    "Follow-up “%(summary)s” due %(date)s (assigned to %(user)s) cancelled by the manager. Reason:",
                    summary=activity.summary or activity.activity_type_id.name,
                    date=format_date(self.env, activity.date_deadline),
                    user=activity.user_id.name,
                ),
                self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        activity.with_context(showroom_followup_cancel_reason=self.reason).unlink()
        return {"type": "ir.actions.act_window_close"}
