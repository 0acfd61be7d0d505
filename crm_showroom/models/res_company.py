from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    showroom_statement_note = fields.Html(
        string="Payment reminder text",
        translate=True,
        help="Printed on the customer statement when the customer has overdue items (G3 dunning "
        "notice), in the customer's language. Empty: the standard text.",
    )
