from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

WINDOW_RULE = "day_of_month_window"
# (field, label) of the days of a day-of-month window, each between 1 and 28 so
# that every month has them.
WINDOW_DAY_FIELDS = (
    "showroom_window_split_day",
    "showroom_window_due_day",
    "showroom_window_end_day",
    "showroom_window_next_due_day",
    "showroom_window_next_end_day",
)


class MailActivityPlanTemplate(models.Model):
    """A new date rule for any activity plan template: the day-of-month window.

    R5.1, 3rd follow-up (satisfaction survey): a plan date on day 1 to the split
    day (15) brings an activity due on the 20th of that month, its window running
    to the 25th; a later plan date brings it to the 5th of the next month, window
    to the 10th (December rolls over to January). Every day is a field an admin
    edits on the template, between 1 and 28. The window end is stored on the
    activity (``mail.activity.showroom_window_end``).

    Notes of showroom plans (``mail.activity.plan.is_showroom_plan``) may carry
    placeholders of the plan's model, such as ``{{ object.first_service_date }}``,
    rendered when the plan is launched.
    """

    _inherit = "mail.activity.plan.template"

    # R5.1's scripts reach each consultant in their language: the summary and note
    # of a template are translatable (stock Odoo keeps one text for all languages).
    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
    delay_from = fields.Selection(
        selection_add=[(WINDOW_RULE, "Day-of-month window")],
        ondelete={WINDOW_RULE: "set default"},
    )
    showroom_window_split_day = fields.Integer(
        string="Same month if planned up to day",
        default=15,
        help="A plan date on this day of the month or earlier brings the activity in the same month; "
        "a later one, in the next month.",
    )
    showroom_window_due_day = fields.Integer(
        string="Same month: due on day", default=20, help="Due day of the window in the same month."
    )
    showroom_window_end_day = fields.Integer(
        string="Same month: window ends on day", default=25, help="Last day of the window in the same month."
    )
    showroom_window_next_due_day = fields.Integer(
        string="Next month: due on day", default=5, help="Due day of the window in the next month."
    )
    showroom_window_next_end_day = fields.Integer(
        string="Next month: window ends on day", default=10, help="Last day of the window in the next month."
    )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("delay_from", *WINDOW_DAY_FIELDS)
    def _check_showroom_window(self):
        for template in self.filtered(lambda tpl: tpl.delay_from == WINDOW_RULE):
            for fname in WINDOW_DAY_FIELDS:
                if not 1 <= template[fname] <= 28:
                    raise ValidationError(
                        _(
                            "“%(field)s” of the activity “%(activity)s” must be a day between 1 and 28, "
                            "which every month has.",
                            field=template._fields[fname]._description_string(self.env),
                            activity=template.summary or template.activity_type_id.name,
                        )
                    )
            if not (
                template.showroom_window_split_day
                <= template.showroom_window_due_day
                <= template.showroom_window_end_day
            ):
                raise ValidationError(
                    _(
                        "“%s”: the due day cannot be before the last day planned in the same month, and "
                        "the window cannot end before the due day.",
                        template.summary or template.activity_type_id.name,
                    )
                )
            if template.showroom_window_next_due_day > template.showroom_window_next_end_day:
                raise ValidationError(
                    _(
                        "In the next month, the window of the activity “%s” cannot end before it is due.",
                        template.summary or template.activity_type_id.name,
                    )
                )

    @api.constrains("note")
    def _check_showroom_note_placeholders(self):
        """The notes of showroom plans are rendered when the plan is launched,
        also by automated flows: like ``mail.template``, placeholders beyond plain
        field paths need the template editor group."""
        if self.env.su or self.env.user.has_group("mail.group_mail_template_editor"):
            return
        Render = self.env["mail.render.mixin"]
        for template in self.filtered(lambda tpl: tpl.note and tpl.plan_id.is_showroom_plan):
            if Render._has_unsafe_expression_template_inline_template(str(template.note), template.res_model):
                group = self.env.ref("mail.group_mail_template_editor")
                raise AccessError(
                    _(
                        "Only members of %(group_name)s group are allowed to edit templates containing "
                        "sensitive placeholders",
                        group_name=group.name,
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _get_date_deadline(self, base_date=False):
        if self.delay_from != WINDOW_RULE:
            return super()._get_date_deadline(base_date)
        return self._showroom_get_date_window(base_date)[0]

    def _showroom_get_date_window(self, base_date=False):
        """``(deadline, window end)`` of the activity for the plan date
        ``base_date``; the window end is ``False`` for the other date rules."""
        self.ensure_one()
        base_date = base_date or self.env.company._showroom_today(self.env.user)
        if self.delay_from != WINDOW_RULE:
            return self._get_date_deadline(base_date), False
        month = base_date.replace(day=1)
        if base_date.day <= self.showroom_window_split_day:
            return month.replace(day=self.showroom_window_due_day), month.replace(day=self.showroom_window_end_day)
        month += relativedelta(months=1)
        return (
            month.replace(day=self.showroom_window_next_due_day),
            month.replace(day=self.showroom_window_next_end_day),
        )

    def _showroom_render_note(self, records):
        """The note of the activity for each of ``records``, its placeholders
        (``{{ object.… }}``) rendered: ``{record id: note}``."""
        self.ensure_one()
        if not self.note or "{{" not in self.note:
            return dict.fromkeys(records.ids, self.note)
        # the rendered text is sanitized when written into the activity's HTML note
        return self.env["mail.render.mixin"]._render_template(
            self.note, records._name, records.ids, engine="inline_template"
        )
