from odoo import fields, models


class ShowroomInterest(models.Model):
    """An interest of a contact (G1 customer file: hobbies, what the family
    does), as tags the consultants pick from and a topic of the next visit or
    call. Shared between companies when ``company_id`` is empty."""

    _name = "showroom.interest"
    _description = "Customer Interest"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company uses the interest.")

    _sql_constraints = [
        ("name_company_unique", "UNIQUE(name, company_id)", "This interest already exists."),
    ]
