from odoo import fields, models

KIND_SELECTION = [
    ("opportunity", "Opportunity"),
    ("customer", "Base customer"),
    ("vehicle", "Vehicle"),
    ("call", "Base customer call"),
]


class ShowroomHandoverLine(models.TransientModel):
    """One item of a handover by hand, with its new holder."""

    _name = "showroom.handover.line"
    _description = "Hand over customers: item"
    _order = "kind, res_id"

    handover_id = fields.Many2one("showroom.handover", required=True, ondelete="cascade")
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True)
    res_id = fields.Integer(string="Record ID", required=True, readonly=True)
    name = fields.Char(string="Item", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="New user",
        domain="[('share', '=', False), ('id', '!=', parent.user_id)]",
    )
