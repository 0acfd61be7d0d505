from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class ShowroomOdometer(models.Model):
    """An odometer reading of a vehicle (R6.1): the base of its mileage forecast.

    Readings come from the delivery (the mileage handed over), from the feedback
    dialog of a vehicle follow-up or a telemarketing call ("km today"), from
    Odoo's import and by hand. At every door (form, import, RPC) a bad reading is
    refused and nothing saved: negative km, a day after today (the showroom's
    day) or before the delivery, more km per day since the previous reading than
    the company allows, or fewer km than an earlier reading (more than a later
    one) — unless a showroom manager marks it a correction (the odometer was
    replaced, or an earlier reading was wrong), which starts the series again
    and is logged in the vehicle's chatter.
    """

    _name = "showroom.odometer"
    _description = "Odometer Reading"
    _order = "date desc, id desc"
    _rec_name = "km"
    _check_company_auto = True

    vehicle_id = fields.Many2one("showroom.vehicle", required=True, ondelete="cascade", index=True, check_company=True)
    date = fields.Date(required=True, default=lambda self: self.env.company._showroom_today(self.env.user))
    km = fields.Integer(string="Mileage (km)", required=True)
    source = fields.Selection(
        [
            ("delivery", "Delivery"),
            ("service", "Service visit"),
            ("call", "Customer call"),
            ("import", "Import"),
            ("manual", "Manual"),
        ],
        required=True,
        default=lambda self: "import" if self.env.context.get("import_file") else "manual",
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, default=lambda self: self.env.user, index=True
    )
    company_id = fields.Many2one(related="vehicle_id.company_id", store=True, index=True)
    is_correction = fields.Boolean(
        string="Correction",
        help="Set by a showroom manager: the odometer was replaced or an earlier reading was wrong. "
        "This reading may be lower than earlier ones and starts the series again.",
    )
    note = fields.Char()

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("vehicle_id", "date", "km", "is_correction")
    def _check_reading(self):
        """R6.1: the reading is plausible against the vehicle's other readings."""
        series = defaultdict(list)
        # sudo: the whole series of the vehicle, whatever readings the user may read
        for reading in self.sudo().search([("vehicle_id", "in", self.vehicle_id.ids)]):
            series[reading.vehicle_id].append(reading)
        for reading in self:
            vehicle = reading.vehicle_id
            label = vehicle.display_name
            if reading.km < 0:
                raise ValidationError(_("A mileage cannot be negative (%s).", label))
            # the showroom's day of whoever is concerned: the delivery reading is dated
            # in the consultant's day, a call's reading in the recorder's
            today = max(vehicle.company_id._showroom_today(user) for user in reading.user_id | vehicle.user_id)
            if reading.date > today:
                raise ValidationError(
                    _(
                        "The reading of %(vehicle)s cannot be dated after today (%(today)s).",
                        vehicle=label,
                        today=format_date(self.env, today),
                    )
                )
            if not vehicle.delivery_date:
                raise ValidationError(_("%s has not been delivered: it has no mileage to record yet.", label))
            if reading.date < vehicle.delivery_date:
                raise ValidationError(
                    _(
                        "The reading of %(vehicle)s cannot be dated before its delivery on %(date)s.",
                        vehicle=label,
                        date=format_date(self.env, vehicle.delivery_date),
                    )
                )
            ordered = sorted(series[vehicle.sudo()], key=lambda r: (r.date, r.id))
            position = ordered.index(reading.sudo())
            if position:
                reading._check_step(ordered[position - 1], reading)
            # the next reading is checked against this one when it is checked itself
            if position + 1 < len(ordered) and ordered[position + 1] not in self:
                reading._check_step(reading, ordered[position + 1])

    def _check_step(self, earlier, later):
        """``later`` follows ``earlier`` in the vehicle's series: not fewer km, not
        more km per day than the company allows, unless ``later`` is a correction."""
        if later.is_correction:
            return
        vehicle = later.vehicle_id
        if later.km < earlier.km:
            raise ValidationError(
                _(
                    "%(vehicle)s showed %(earlier)s km on %(date)s: %(km)s km on %(later_date)s is lower. "
                    "A showroom manager can record it as a correction (odometer replaced).",
                    vehicle=vehicle.display_name,
                    earlier=earlier.km,
                    date=format_date(self.env, earlier.date),
                    km=later.km,
                    later_date=format_date(self.env, later.date),
                )
            )
        limit = vehicle.company_id.showroom_max_km_per_day
        days = max((later.date - earlier.date).days, 1)
        if limit and (later.km - earlier.km) > limit * days:
            raise ValidationError(
                _(
                    "%(vehicle)s cannot have driven %(driven)s km in %(days)s day(s) (between %(date)s and "
                    "%(later_date)s): more than %(limit)s km a day is not plausible.",
                    vehicle=vehicle.display_name,
                    driven=later.km - earlier.km,
                    days=days,
                    date=format_date(self.env, earlier.date),
                    later_date=format_date(self.env, later.date),
                    limit=limit,
                )
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("is_correction") for vals in vals_list):
            self._check_correction_rights()
        readings = super().create(vals_list)
        readings.filtered("is_correction")._log_corrections()
        # G6: a car seen again takes its owner off the churn-risk list at once (a
        # reading only ever clears the flag: the others wait for the daily check)
        readings.vehicle_id.partner_id.commercial_partner_id.filtered("showroom_churn_risk")._showroom_churn_refresh()
        return readings

    def write(self, vals):
        # any change of a reading rewrites the history: the same right as a correction
        if vals.get("is_correction") or {"km", "date", "vehicle_id"} & set(vals):
            self._check_correction_rights()
        result = super().write(vals)
        if {"km", "date", "is_correction"} & set(vals):
            self._log_corrections()
        return result

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _check_correction_rights(self):
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers correct mileage readings."))

    def _log_corrections(self):
        for reading in self:
            note = f" ({reading.note})" if reading.note else ""
            reading.vehicle_id.message_post(
                body=Markup("<p>%s</p>")
                % _(
                    "Mileage corrected by %(user)s: %(km)s km on %(date)s%(note)s.",
                    user=self.env.user.name,
                    km=reading.km,
                    date=format_date(self.env, reading.date),
                    note=note,
                ),
                subtype_xmlid="mail.mt_note",
            )
