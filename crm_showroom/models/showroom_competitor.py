from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ShowroomCompetitor(models.Model):
    """G3: the competitors' cars a customer compares with ours, and the car a lost
    deal went to: a brand (no parent) with its models (``parent_id``: the brand).

    Admins (``group_showroom_admin``) keep the list; everyone reads it. Without a
    company a competitor is shared by every segment (company); with one, only
    that company's users see it (record rule).
    """

    _name = "showroom.competitor"
    _description = "Showroom Competitor"
    _parent_name = "parent_id"
    _order = "sequence, name, id"
    _check_company_auto = True
    _rec_names_search = ["name", "parent_id.name"]

    name = fields.Char(required=True, translate=True)
    parent_id = fields.Many2one(
        "showroom.competitor",
        string="Brand",
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('parent_id', '=', False)]",
        help="The brand of this model; empty on a brand.",
    )
    child_ids = fields.One2many("showroom.competitor", "parent_id", string="Models")
    kind = fields.Selection([("brand", "Brand"), ("model", "Model")], compute="_compute_kind", store=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    note = fields.Text(string="Notes", help="What the showroom knows of it: prices, strengths, offers.")
    active = fields.Boolean(default=True)

    @api.depends("parent_id")
    def _compute_kind(self):
        for competitor in self:
            competitor.kind = "model" if competitor.parent_id else "brand"

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        """A model shows with its brand ("BYD Han")."""
        for competitor in self:
            names = [competitor.parent_id.name, competitor.name]
            competitor.display_name = " ".join(name for name in names if name)

    @api.constrains("parent_id")
    def _check_parent_is_brand(self):
        for competitor in self:
            if competitor.parent_id.parent_id or (competitor.parent_id and competitor.child_ids):
                raise ValidationError(
                    _("“%s”: a competitor is a brand or a model of a brand, nothing deeper.", competitor.name)
                )
