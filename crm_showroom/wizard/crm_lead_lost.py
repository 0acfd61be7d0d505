from odoo import _, api, fields, models
from odoo.tools import html2plaintext, is_html_empty


class CrmLeadLost(models.TransientModel):
    """Mark Lost on showroom opportunities (G3): the competitor that won the deal,
    and, for a consultant, a request the showroom manager approves (the stock
    wizard for everything else)."""

    _inherit = "crm.lead.lost"

    showroom_competitor_id = fields.Many2one(
        "showroom.competitor", string="Lost to", help="The competitor that won the deal, if one did."
    )
    showroom_is_showroom = fields.Boolean(string="Showroom opportunity", compute="_compute_showroom_lost_flags")
    showroom_needs_approval = fields.Boolean(
        string="Needs the manager's approval", compute="_compute_showroom_lost_flags"
    )

    @api.depends("lead_ids")
    def _compute_showroom_lost_flags(self):
        for wizard in self:
            wizard.showroom_is_showroom = any(wizard.lead_ids.mapped("is_showroom"))
            wizard.showroom_needs_approval = bool(wizard.lead_ids._showroom_lost_needs_approval())

    def action_lost_reason_apply(self):
        self.ensure_one()
        requests = self.lead_ids._showroom_lost_needs_approval()
        if requests:
            note = False if is_html_empty(self.lost_feedback) else html2plaintext(self.lost_feedback)
            requests._showroom_request_lost(self.lost_reason_id, note=note, competitor=self.showroom_competitor_id)
            self.lead_ids -= requests
        if not self.lead_ids:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": _("Lost request sent: the opportunity stays open until the showroom manager decides."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        direct = self.lead_ids  # read before they are archived (the field then hides them)
        result = super().action_lost_reason_apply()
        if self.showroom_competitor_id:
            direct.filtered("is_showroom").write({"showroom_lost_competitor_id": self.showroom_competitor_id.id})
        return result
