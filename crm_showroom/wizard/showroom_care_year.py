from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.care_calendar import FIRST_YEAR, HOLIDAY_NAMES, LAST_YEAR, holiday_dates


class ShowroomCareYear(models.TransientModel):
    """R6.2: Chinese holidays are computed, not typed. "Generate year" creates the
    care days of a year's holidays (New Year's Day, Spring Festival, Lantern,
    Qingming, Dragon Boat, Mid-Autumn, National Day) from the holiday library
    (``tools/care_calendar.py``). Each gets the SMS template and audience of the
    latest care day of the same occasion in the company, else the shipped holiday
    template. A holiday that already has a care day on its date (active or
    archived) is left alone: generating a year twice creates nothing new. The care
    days are named in the company's language (its partner's), whoever generates them:
    the team reads one name."""

    _name = "showroom.care.year"
    _description = "Generate the care days of a year"

    year = fields.Integer(required=True, default=lambda self: self.env.company._showroom_today().year)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)

    @api.model
    def _showroom_default_template(self):
        return self.env.ref("crm_showroom.sms_template_care_holiday", raise_if_not_found=False)

    def action_generate(self):
        self.ensure_one()
        care_days = self._showroom_generate()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_care_day_action")
        action["domain"] = [
            ("company_id", "=", self.company_id.id),
            ("date", ">=", f"{self.year}-01-01"),
            ("date", "<=", f"{self.year}-12-31"),
        ]
        action["context"] = {}
        if not care_days:
            action["help"] = _("<p>The care days of %s were already generated.</p>", self.year)
        return action

    def _showroom_generate(self):
        """Create the missing holiday care days of ``year``; returns them."""
        self.ensure_one()
        try:
            dates = holiday_dates(self.year)
        except ValueError as error:
            raise UserError(
                _("Care days can be generated for the years %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
            ) from error
        CareDay = self.env["showroom.care.day"].with_context(active_test=False)
        existing = CareDay.search(
            [
                ("company_id", "=", self.company_id.id),
                ("occasion", "in", list(HOLIDAY_NAMES)),
                ("date", "in", list(dates.values())),
            ]
        )
        done = {(care_day.occasion, care_day.date) for care_day in existing}
        latest = {}
        for care_day in CareDay.search(
            [("company_id", "=", self.company_id.id), ("occasion", "in", list(HOLIDAY_NAMES))],
            order="date desc, id desc",
        ):
            latest.setdefault(care_day.occasion, care_day)
        default_template = self._showroom_default_template()
        labels = dict(CareDay._fields["occasion"]._description_selection(self.env))
        # The name is stored once for the whole team: in the company's language, not the creator's.
        company_env = self.with_context(lang=self.company_id.partner_id.lang or self.env.lang).env
        names = dict(CareDay._fields["occasion"]._description_selection(company_env))
        values = []
        for occasion, day in dates.items():
            if (occasion, day) in done:
                continue
            model = latest.get(occasion)
            template = model.sms_template_id if model else default_template
            if not template:
                raise UserError(_("Choose an SMS template for the %s care day first.", labels[occasion]))
            values.append(
                {
                    "name": f"{names[occasion]} {self.year}",
                    "occasion": occasion,
                    "date": day,
                    "sms_template_id": template.id,
                    "audience_domain": model.audience_domain if model else "[]",
                    "company_id": self.company_id.id,
                }
            )
        return CareDay.create(values)
