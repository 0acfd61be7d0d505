from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ShowroomGrade(models.Model):
    """A prospect grade of the rule book (R3).

    The grade says how soon the customer is expected to order or take delivery,
    and how long a consultant may wait, at most, between two follow-ups of an
    opportunity of that grade: O weekly, H every 2 days, A weekly, B every 2 weeks,
    C every 3 weeks, N monthly (shipped defaults, editable by showroom managers).
    """

    _name = "showroom.grade"
    _description = "Showroom Prospect Grade"
    _order = "sequence, id"

    code = fields.Char(required=True, size=4, help="Short code shown on badges, e.g. H.")
    name = fields.Char(required=True, translate=True)
    horizon = fields.Char(
        translate=True,
        string="Meaning",
        help="What the grade means, e.g. 'will order or take delivery within 7 days'.",
    )
    followup_interval_days = fields.Integer(
        string="Follow up at least every (days)",
        required=True,
        default=7,
        help="Longest allowed gap between two follow-ups of an opportunity of this grade.",
    )
    order_window_days = fields.Integer(
        string="Expected to order within (days)",
        default=0,
        help="G6: the funnel counts the opportunities that entered this grade and became O (ordered) "
        "within this many days (7 for H). 0: not measured.",
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A grade with this code already exists."),
    ]

    @api.constrains("followup_interval_days")
    def _check_followup_interval_days(self):
        """R3: at least one day between follow-ups, refused with a translated
        message before anything is written (the ORM runs this check before it
        flushes, so a database CHECK beside it would never fire)."""
        if any(grade.followup_interval_days < 1 for grade in self):
            raise ValidationError(_("The follow-up interval of a grade must be at least one day."))

    @api.constrains("order_window_days")
    def _check_order_window_days(self):
        if any(grade.order_window_days < 0 for grade in self):
            raise ValidationError(_("The order window of a grade cannot be negative."))

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = f"{grade.code} - {grade.name}" if grade.code else grade.name
