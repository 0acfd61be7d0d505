from odoo import fields, models


class ShowroomFineCorrect(models.TransientModel):
    """A showroom manager corrects a confirmed fine: a correction entry with a
    reason, never a change of the fine itself (R8)."""

    _name = "showroom.fine.correct"
    _description = "Correct a fine"

    fine_id = fields.Many2one("showroom.fine", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="fine_id.currency_id")
    amount_net = fields.Monetary(related="fine_id.amount_net", string="Current amount")
    amount = fields.Monetary(
        string="Correction", required=True, help="Negative: the amount taken off the fine (all of it cancels it)."
    )
    reason = fields.Text(required=True)

    def action_correct(self):
        self.ensure_one()
        self.fine_id._showroom_correct(self.amount, self.reason)
        return {"type": "ir.actions.act_window_close"}
