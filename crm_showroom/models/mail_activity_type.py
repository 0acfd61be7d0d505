from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    is_showroom_followup = fields.Boolean(
        string="Showroom follow-up",
        help="Activities of this type are showroom follow-ups: marking one done requires the "
        "customer's feedback, and an open one counts for the always-open rule.",
    )

    @api.constrains("is_showroom_followup", "keep_done")
    def _check_showroom_followup_keep_done(self):
        """R4.3: done follow-ups and their feedback are the history managers inspect."""
        if any(activity_type.is_showroom_followup and not activity_type.keep_done for activity_type in self):
            raise ValidationError(_("Showroom follow-up activity types must keep done activities."))

    def _showroom_followup_summary(self, kind):
        """The summary of an automatic follow-up, in the language of the context:
        "first" (R4.1's 48-hour follow-up), "sweep" (the nightly check) or "next"."""
        self.ensure_one()
        if kind == "first":
            return self.env._("First follow-up")
        if kind == "sweep":
            return self.env._("Follow-up (scheduled by the nightly check)")
        return self.summary or self.name
