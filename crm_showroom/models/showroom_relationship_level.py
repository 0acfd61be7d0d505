from odoo import fields, models


class ShowroomRelationshipLevel(models.Model):
    """How close the showroom is to a contact (G1 customer file): New,
    Acquainted, Trusted, Loyal advocate are shipped; segment administrators
    rename, reorder and add levels. Shared between companies when
    ``company_id`` is empty."""

    _name = "showroom.relationship.level"
    _description = "Customer Relationship Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="What the level means, for the consultants.")
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company uses the level.")
