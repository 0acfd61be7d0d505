import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools import segments
from ..tools.mileage import date_reaching, estimated_km, km_per_day, odometer_chart_svg
from ..tools.plate import normalize_plate
from .product_attribute import VEHICLE_ROLES

_logger = logging.getLogger(__name__)

# The columns of a row of the milestone detection, as the bulk insert takes them.
QUEUE_COLUMNS = ("vehicle", "company", "milestone", "renewal", "crossed")

# Placeholders plan notes and mail templates may use on a vehicle without being
# template editors (rendered by field access, no code evaluated), e.g. the
# first-service reminder's "{{ object.first_service_date }}".
VEHICLE_PLACEHOLDERS = (
    "object.vin",
    "object.display_name",
    "object.product_tmpl_id.name",
    "object.brand_id.name",
    "object.trim_id.name",
    "object.color_id.name",
    "object.delivery_date",
    "object.odometer",
    "object.first_service_date",
    "object.first_service_km",
    "object.company_id.name",
)


class ShowroomVehicle(models.Model):
    """A car the showroom sold: one VIN (a serial number of a vehicle product)
    and its owner, contract, consultant and after-sales follow-ups.

    R5.1: validating the delivery of a vehicle serial to a customer creates or
    updates the vehicle (``stock.picking._action_done``) and launches the
    post-purchase plan ``crm_showroom.activity_plan_post_purchase`` for the
    consultant: four follow-ups created the same day, kept with their feedback
    in ``post_purchase_activity_ids``. The owner is then a base customer (R6,
    ``res.partner.is_base_customer``). A return of the vehicle from the customer
    clears the owner and closes the open follow-ups. R5.3: a thank-you email,
    with the delivery photo, is sent from the vehicle.

    Owner rule: the owner is the commercial entity of the contract's customer
    (the sale order's partner), else of the delivery's partner — the person or
    company that bought and is invoiced, not a delivery address or the employee
    who drove the car away (kept as ``delivery_partner_id``).
    """

    _name = "showroom.vehicle"
    _description = "Vehicle"
    _inherit = ["mail.thread", "mail.activity.mixin", "showroom.followup.mixin", "showroom.partner.receivable.mixin"]
    _order = "delivery_date desc, id desc"
    # the car's follow-up block counts its queue calls too (R6.1)
    _showroom_followup_children = ("milestone_call_ids",)
    _rec_names_search = ["vin", "product_tmpl_id", "partner_id"]
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial number",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        domain="[('product_id.is_vehicle', '=', True)]",
        tracking=True,
    )
    vin = fields.Char(
        string="VIN",
        related="lot_id.name",
        store=True,
        index="trigram",
        help="The vehicle identification number: the serial number of the vehicle in stock.",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True, string="Product")
    product_tmpl_id = fields.Many2one(
        "product.template", related="product_id.product_tmpl_id", store=True, string="Model"
    )
    # brand, trim and color: the values of the attributes of these vehicle roles
    brand_id = fields.Many2one("product.attribute.value", compute="_compute_attribute_values", store=True)
    trim_id = fields.Many2one("product.attribute.value", compute="_compute_attribute_values", store=True)
    color_id = fields.Many2one("product.attribute.value", compute="_compute_attribute_values", store=True)
    color_html = fields.Char(related="color_id.html_color", string="Color code")
    image_128 = fields.Image(related="product_id.image_128")
    state = fields.Selection(
        [("stock", "In stock"), ("delivered", "Delivered"), ("returned", "Returned")],
        string="Status",
        default="stock",
        required=True,
        tracking=True,
        help="In stock: not sold yet. Delivered: handed over to its owner. Returned: taken back from "
        "the customer, back in stock.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The customer who bought the car: the commercial entity of the contract's customer.",
    )
    delivery_partner_id = fields.Many2one(
        "res.partner",
        string="Delivered to",
        check_company=True,
        help="The contact or address of the delivery (the person who took the keys).",
    )
    sale_order_id = fields.Many2one("sale.order", string="Contract", index="btree_not_null", tracking=True)
    opportunity_id = fields.Many2one("crm.lead", index="btree_not_null")
    delivery_picking_id = fields.Many2one("stock.picking", string="Delivery order")
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The salesperson of the contract; the post-purchase follow-ups are theirs.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    delivery_date = fields.Date(string="Delivered on", tracking=True)
    return_date = fields.Date(string="Returned on", readonly=True)
    plan_launched = fields.Boolean(
        string="Plan launched",
        readonly=True,
        copy=False,
        help="The post-purchase plan was launched for the current delivery (R5.1). Each delivery needs "
        "its own: a car returned and delivered again gets a new plan, and the daily inspection fines "
        "a delivery without one.",
    )
    odometer = fields.Integer(
        related="odometer_last_km", string="Mileage (km)", help="The last known mileage, in kilometers."
    )
    first_service_date = fields.Date(
        string="First service by",
        compute="_compute_first_service",
        store=True,
        readonly=False,
        help="Delivery date plus the model's first-service interval in days.",
    )
    first_service_km = fields.Integer(
        string="First service at (km)",
        compute="_compute_first_service",
        store=True,
        readonly=False,
        help="The model's first-service mileage.",
    )
    plate_number = fields.Char(string="Plate number", tracking=True, index="btree_not_null", copy=False)
    registration_date = fields.Date(string="Registered on", tracking=True)
    insurer_id = fields.Many2one("res.partner", tracking=True, index="btree_not_null")
    insurance_renewal_date = fields.Date(
        string="Insurance renewal",
        tracking=True,
        index="btree_not_null",
        help="The day the car's insurance must be renewed.",
    )
    delivery_photo = fields.Image(
        string="Delivery photo",
        max_width=1920,
        max_height=1920,
        help="The photo of the customer with the new car; sent with the thank-you email.",
    )
    post_purchase_activity_ids = fields.One2many(
        "mail.activity",
        "res_id",
        string="Post-purchase follow-ups",
        domain=[("res_model", "=", "showroom.vehicle"), ("showroom_plan_id", "!=", False)],
        context={"active_test": False},
        help="The follow-ups the post-purchase plan created, open and done, with the customer's feedback.",
    )
    active = fields.Boolean(default=True)
    # R6.1: mileage readings, their forecast and the telemarketing queue
    odometer_ids = fields.One2many("showroom.odometer", "vehicle_id", string="Mileage readings")
    odometer_last_km = fields.Integer(
        string="Last reading (km)", compute="_compute_odometer_forecast", store=True, help="The last known mileage."
    )
    odometer_last_date = fields.Date(string="Last reading on", compute="_compute_odometer_forecast", store=True)
    odometer_km_per_day = fields.Float(
        string="Km per day",
        compute="_compute_odometer_forecast",
        store=True,
        digits=(16, 1),
        help="A robust fit (Theil–Sen) of the readings since the delivery (or the last correction); with "
        "a single reading, the median of the vehicles of the same model, else the company's default.",
    )
    odometer_estimated = fields.Integer(
        string="Estimated mileage (km)",
        compute="_compute_odometer_estimated",
        help="The last reading plus the km per day since, in the showroom's day.",
    )
    milestone_next_id = fields.Many2one(
        "showroom.mileage.milestone", string="Next milestone", compute="_compute_odometer_estimated"
    )
    milestone_next_date = fields.Date(
        string="Next milestone expected on",
        compute="_compute_odometer_estimated",
        help="When the vehicle is expected to reach the next active mileage milestone.",
    )
    odometer_chart = fields.Html(string="Mileage chart", compute="_compute_odometer_estimated", sanitize=False)
    milestone_call_ids = fields.One2many("showroom.milestone.call", "vehicle_id", string="Base customer calls")

    _sql_constraints = [
        ("lot_uniq", "unique(lot_id)", "A serial number (VIN) belongs to one vehicle only."),
        (
            "plate_number_company_uniq",
            "unique(company_id, plate_number)",
            "This plate number belongs to another vehicle.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("product_tmpl_id.name", "vin")
    def _compute_display_name(self):
        for vehicle in self:
            vehicle.display_name = " ".join(filter(None, (vehicle.product_tmpl_id.name, vehicle.vin)))

    @api.depends(
        "product_id.product_template_attribute_value_ids.product_attribute_value_id",
        "product_id.product_template_attribute_value_ids.attribute_id.showroom_vehicle_role",
        "product_id.product_tmpl_id.attribute_line_ids.value_ids",
        "product_id.product_tmpl_id.attribute_line_ids.attribute_id.showroom_vehicle_role",
    )
    def _compute_attribute_values(self):
        products = self.product_id
        for role, _label in VEHICLE_ROLES:
            values = products._showroom_vehicle_attribute_values(role)
            fname = f"{role}_id"
            for vehicle in self:
                vehicle[fname] = values.get(vehicle.product_id, False)

    @api.depends("delivery_date", "product_id.showroom_first_service_days", "product_id.showroom_first_service_km")
    def _compute_first_service(self):
        for vehicle in self:
            product = vehicle.product_id
            vehicle.first_service_date = (
                vehicle.delivery_date + timedelta(days=product.showroom_first_service_days)
                if vehicle.delivery_date
                else False
            )
            vehicle.first_service_km = product.showroom_first_service_km

    @api.depends(
        "odometer_ids.km",
        "odometer_ids.date",
        "odometer_ids.is_correction",
        "delivery_date",
        "product_tmpl_id",
        "company_id.showroom_default_km_per_day",
    )
    def _compute_odometer_forecast(self):
        """R6.1: last reading and km per day, from the readings of all vehicles of
        ``self`` in one query; the fleet medians by model in one more."""
        series = defaultdict(list)
        if self.ids:
            for vehicle_id, day, km, is_correction in self._odometer_rows():
                series[vehicle_id].append((day, km, is_correction))
        single = self.browse()
        for vehicle in self:
            readings = series.get(vehicle.id, [])
            vehicle.odometer_last_date = readings[-1][0] if readings else False
            vehicle.odometer_last_km = readings[-1][1] if readings else 0
            since = [r for r in readings if not vehicle.delivery_date or r[0] >= vehicle.delivery_date]
            corrections = [index for index, r in enumerate(since) if r[2]]
            if corrections:
                since = since[corrections[-1] :]
            rate = km_per_day([(day, km) for day, km, _corr in since])
            if rate is None:
                single |= vehicle
            else:
                vehicle.odometer_km_per_day = rate
        if single:
            medians = single._odometer_fleet_medians()
            for vehicle in single:
                vehicle.odometer_km_per_day = medians.get(
                    vehicle.product_tmpl_id.id, vehicle.company_id.showroom_default_km_per_day
                )

    def _odometer_rows(self):
        """``(vehicle id, date, km, is correction)`` of the readings of ``self``, in
        date order."""
        self.env["showroom.odometer"].flush_model(["vehicle_id", "date", "km", "is_correction"])
        self.env.cr.execute(
            """
            SELECT vehicle_id, date, km, COALESCE(is_correction, FALSE)
              FROM showroom_odometer
             WHERE vehicle_id = ANY(%s)
          ORDER BY vehicle_id, date, id
            """,
            [self.ids],
        )
        return self.env.cr.fetchall()

    def _odometer_fleet_medians(self):
        """``{model id: median km per day}`` over the vehicles of the models of
        ``self`` driven since their delivery (a reading after the delivery day)."""
        models_ids = list(set(self.product_tmpl_id.ids))
        if not models_ids:
            return {}
        self.env.cr.execute(
            """
            SELECT v.product_tmpl_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY v.odometer_km_per_day)
              FROM showroom_vehicle v
             WHERE v.product_tmpl_id = ANY(%s)
               AND v.id != ALL(%s)
               AND v.odometer_km_per_day IS NOT NULL
               AND v.odometer_last_date > v.delivery_date
          GROUP BY v.product_tmpl_id
            """,
            [models_ids, self.ids or [0]],
        )
        return dict(self.env.cr.fetchall())

    @api.depends("odometer_last_km", "odometer_last_date", "odometer_km_per_day", "company_id")
    def _compute_odometer_estimated(self):
        milestones = self.env["showroom.mileage.milestone"].search([("kind", "=", "mileage")], order="km")
        labels = (_("Readings"), _("Forecast"))
        for vehicle in self:
            today = vehicle.company_id._showroom_today()
            last_date = vehicle.odometer_last_date or None
            rate = vehicle.odometer_km_per_day
            estimate = estimated_km(vehicle.odometer_last_km, last_date, rate, today)
            vehicle.odometer_estimated = estimate
            upcoming = milestones.filtered(
                lambda m, vehicle=vehicle, estimate=estimate: (
                    m.km > estimate and m.company_id in (vehicle.company_id, m.company_id.browse())
                )
            )[:1]
            vehicle.milestone_next_id = upcoming
            next_date = upcoming and date_reaching(upcoming.km, vehicle.odometer_last_km, last_date, rate)
            vehicle.milestone_next_date = next_date or False
            if not vehicle.odometer_ids:
                vehicle.odometer_chart = False
                continue
            forecast = [(today, estimate)] if last_date and today > last_date else []
            if next_date:
                forecast.append((next_date, upcoming.km))
            vehicle.odometer_chart = odometer_chart_svg(
                [(reading.date, reading.km) for reading in vehicle.odometer_ids], forecast, labels=labels
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("plate_number"):
                vals["plate_number"] = normalize_plate(vals["plate_number"])
        return super().create(vals_list)

    def write(self, vals):
        if "plan_launched" in vals and not self.env.su:
            # R5.1 at every door: only the launch of the plan (and a delivery, which
            # clears it) records it, both as the system; ticked by hand or RPC, the
            # inspection would be told a plan that never ran
            raise AccessError(_("Whether the post-purchase plan was launched is recorded by its launch only."))
        if vals.get("plate_number"):
            vals = dict(vals, plate_number=normalize_plate(vals["plate_number"]))
        if "company_id" in vals:
            # G5: only group management moves a vehicle to another company (segment)
            new_company = self.env["res.company"].browse(vals["company_id"])
            segments.check_segment_moves(self, segments.segment_companies(self), new_company)
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_thank_you(self):
        """R5.3: the standard mail composer with the thank-you template; the
        delivery photo comes with it and the sent email is logged in the chatter."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_("The vehicle %s has no owner to thank.", self.display_name))
        template = self.env.ref("crm_showroom.mail_template_vehicle_thank_you", raise_if_not_found=False)
        return {
            "name": _("Thank the customer"),
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id if template else False,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    def action_record_mileage(self):
        """R6.1: record a reading by hand (also for telemarketing, who do not edit vehicles)."""
        self.ensure_one()
        return {
            "name": _("Record mileage"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.odometer",
            "view_mode": "form",
            "views": [(self.env.ref("crm_showroom.showroom_odometer_view_form_dialog").id, "form")],
            "target": "new",
            "context": {"default_vehicle_id": self.id},
        }

    def action_view_odometer_graph(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_odometer_action")
        action.update(
            domain=[("vehicle_id", "=", self.id)],
            context={"default_vehicle_id": self.id},
            view_mode="graph,list",
            views=[(False, "graph"), (False, "list")],
        )
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_register_deliveries(self, move_lines):
        """R5.1, delivery day: the done ``stock.move.line`` records ``move_lines``
        handed vehicle serials over to customers. Create or update their vehicles
        (owner, contract, opportunity, consultant, delivery date in the consultant's time
        zone), win the opportunities whose contracts are fully delivered and launch
        the post-purchase plan for the consultants.

        Batched for any number of vehicles: one search for existing vehicles, one
        create, one creation of all the follow-ups, one chatter log per batch."""
        move_lines = move_lines.with_env(self.env)
        Vehicle = self.with_context(
            active_test=False, mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        existing = {vehicle.lot_id.id: vehicle for vehicle in Vehicle.search([("lot_id", "in", move_lines.lot_id.ids)])}
        create_vals, updates = [], []
        for line in move_lines:
            values = self._showroom_prepare_delivery_values(line)
            vehicle = existing.get(line.lot_id.id)
            if vehicle:
                updates.append((vehicle, values))
            else:
                create_vals.append(values)
        vehicles = Vehicle.create(create_vals)
        for vehicle, values in updates:
            vehicle.write(values)
            vehicles |= vehicle
        message = _("Delivered to %(customer)s on %(date)s (%(picking)s).")  # formatted per vehicle below
        dates = {day: format_date(self.env, day) for day in set(vehicles.mapped("delivery_date"))}
        intros = {
            vehicle.id: message
            % {
                "customer": vehicle.delivery_partner_id.display_name or vehicle.partner_id.display_name or "-",
                "date": dates[vehicle.delivery_date],
                "picking": vehicle.delivery_picking_id.name or "-",
            }
            for vehicle in vehicles
        }
        vehicles._showroom_record_delivery_readings()
        move_lines.move_id.sale_line_id.order_id._showroom_win_delivered_opportunities()
        vehicles._showroom_launch_post_purchase_plan(intros=intros)
        # R6.3: referral, repurchase and trade-in rewards of running campaigns
        self.env["showroom.campaign.reward"]._showroom_issue_for_deliveries(vehicles)
        return vehicles

    @api.model
    def _showroom_register_returns(self, move_lines):
        """The done ``move_lines`` brought vehicle serials back from customers: their
        vehicles lose their owner (who may stop being a base customer), their
        open follow-ups are closed as "vehicle returned" and their open entries in
        the telemarketing queue are closed."""
        move_lines = move_lines.with_env(self.env)
        vehicles = self.with_context(active_test=False).search(
            [("lot_id", "in", move_lines.lot_id.ids), ("state", "=", "delivered")]
        )
        if not vehicles:
            return vehicles
        return_dates = {
            line.lot_id.id: (line.picking_id.company_id or line.company_id)._showroom_date_of(
                line.picking_id.date_done or line.date
            )
            for line in move_lines
        }
        by_date = defaultdict(lambda: self.browse())
        for vehicle in vehicles:
            by_date[return_dates[vehicle.lot_id.id]] |= vehicle
        for return_date, group in by_date.items():
            group.write({"state": "returned", "partner_id": False, "return_date": return_date})
        vehicles._showroom_close_followups("returned")
        # R6.3: unused rewards of the returned vehicles are cancelled, used ones flagged
        self.env["showroom.campaign.reward"]._showroom_cancel_for_returns(vehicles)
        # R6.1: nobody calls the former owner about a car they gave back
        # sudo: the queue is the telemarketing team's; only these vehicles' open entries close
        self.env["showroom.milestone.call"].sudo().search(
            [("vehicle_id", "in", vehicles.ids), ("state", "in", ("waiting", "open"))]
        ).write({"state": "closed"})
        message = _("Returned by the customer on %(date)s: ownership cleared and open follow-ups closed.")
        dates = {day: format_date(self.env, day) for day in by_date}
        vehicles._message_log_batch(
            {vehicle.id: message % {"date": dates[vehicle.return_date]} for vehicle in vehicles}
        )
        return vehicles

    @api.model
    def _showroom_prepare_delivery_values(self, line):
        """The vehicle values of the delivery ``line`` (a done ``stock.move.line``).
        The owner is the commercial entity of the contract's customer (see the class
        docstring); the consultant is the contract's salesperson, else the
        opportunity's, else the owner's salesperson."""
        picking = line.picking_id
        order = line.move_id.sale_line_id.order_id or picking.sale_id
        lead = order.opportunity_id
        delivered_to = picking.partner_id or order.partner_shipping_id or order.partner_id
        owner = (order.partner_id or delivered_to).commercial_partner_id
        done = picking.date_done or line.date or fields.Datetime.now()
        company = picking.company_id or line.company_id
        consultant = order.user_id or lead.user_id or owner.user_id
        return {
            "lot_id": line.lot_id.id,
            "state": "delivered",
            "active": True,
            "partner_id": owner.id,
            "delivery_partner_id": delivered_to.id,
            "sale_order_id": order.id,
            "opportunity_id": lead.id,
            "delivery_picking_id": picking.id,
            "user_id": consultant.id,
            "company_id": company.id,
            # R5.1: the delivery day is the consultant's, whose follow-ups count from it
            "delivery_date": company._showroom_date_of(done, user=consultant or self.env.user),
            "return_date": False,
            "plan_launched": False,  # R5.1: this delivery's plan is still to launch
        }

    def _showroom_record_delivery_readings(self):
        """R6.1: the delivery is a reading: the mileage handed over (0 for a new
        car, the last known mileage of a car delivered again) on the delivery day."""
        # sudo: recording the delivered mileage belongs to the delivery, which the
        # warehouse user validates without rights on readings
        self.env["showroom.odometer"].sudo().create(
            [
                {
                    "vehicle_id": vehicle.id,
                    "date": vehicle.delivery_date,
                    "km": vehicle.odometer_last_km,
                    "source": "delivery",
                    "user_id": self.env.uid,
                }
                for vehicle in self
                if vehicle.delivery_date
            ]
        )

    def _showroom_launch_post_purchase_plan(self, intros=None):
        """R5.1: the post-purchase plan, as the managers edited it, for each
        vehicle's consultant from its delivery date. ``intros``: the chatter text
        of each vehicle's delivery, logged with the start of the plan (alone when
        there is no plan to launch)."""
        plan = self.env.ref("crm_showroom.activity_plan_post_purchase", raise_if_not_found=False)
        if not self or not plan or not plan.active or self.env.context.get("mail_activity_automation_skip"):
            if self and intros:
                self._message_log_batch(intros)
            return self.env["mail.activity"]
        activities = plan._showroom_launch(
            self,
            plan_dates={vehicle.id: vehicle.delivery_date for vehicle in self},
            responsibles={vehicle.id: vehicle.user_id for vehicle in self if vehicle.user_id},
            intros=intros,
        )
        # R5.1: these deliveries have their plan (``plan_launched``, read by the inspection)
        self.browse(set(activities.mapped("res_id"))).plan_launched = True
        return activities

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_showroom_milestones(self, batch_size=2000, vehicle_ids=None):
        """R6.1, daily: put every delivered vehicle whose recorded or estimated
        mileage (last reading + km per day x days since, in its company's showroom
        day) has crossed an active mileage milestone into the queue of the highest
        one crossed, and every vehicle whose insurance renewal falls within a
        renewal milestone's days into its queue — each exactly once — then open
        the waiting entries into the telemarketing users' free room.

        Detection is one set-based SQL query per run over the stored forecast
        fields (``_showroom_milestone_crossings``); the new entries are inserted
        *waiting* in batches of ``batch_size`` with ``ON CONFLICT DO NOTHING`` on
        the unique index (a concurrent run inserts nothing twice); then
        ``showroom.milestone.call._showroom_open_waiting`` gives the waiting
        entries, oldest crossing first, to the least-loaded member of their
        milestone's team under the company's cap of open entries per user, with
        their first call activity due today; the rest wait, visible to the
        managers. Progress is reported and, run as a cron job, each batch
        committed (``ir.cron._showroom_batch_done``).
        ``vehicle_ids``: restrict to these vehicles (tests, benchmarks).
        Returns how many entries this run queued."""
        self.env.flush_all()
        companies = self.env["res.company"].sudo().search([])
        today_by_company = {company.id: company._showroom_today() for company in companies}
        rows = self._showroom_milestone_crossings(today_by_company, vehicle_ids)
        queued = 0
        for start in range(0, len(rows), batch_size):
            queued += self._showroom_queue_batch(rows[start : start + batch_size], today_by_company)
            self.env["ir.cron"]._showroom_batch_done(queued, max(len(rows) - start - batch_size, 0))
        opened = self.env["showroom.milestone.call"]._showroom_open_waiting(today_by_company, batch_size, vehicle_ids)
        _logger.info("Base customer calls: %s entries queued, %s opened", queued, opened)
        return queued

    @api.model
    def _showroom_milestone_crossings(self, today_by_company, vehicle_ids=None):
        """The one detection query of the daily check (R6.1): the delivered vehicles
        of a customer not yet in the queue of the highest active mileage milestone
        their forecast has crossed, or of a renewal milestone whose window is open,
        as rows (vehicle id, company id, milestone id, renewal date, crossed on).
        "Crossed on" is the day the forecast reached the milestone's km (not
        before the delivery), or the day the renewal window opened."""
        self.env.cr.execute(
            SQL(
                """
                WITH today AS (SELECT * FROM unnest(%(company_ids)s::int[], %(days)s::date[]) AS t(company_id, day))
                SELECT v.id, v.company_id, m.id, NULL::date,
                       GREATEST(v.delivery_date, v.odometer_last_date + CASE
                           WHEN v.odometer_km_per_day > 0
                           THEN ceil((m.km - v.odometer_last_km) / v.odometer_km_per_day)::int ELSE 0 END)
                  FROM showroom_vehicle v
                  JOIN today ON today.company_id = v.company_id
                  JOIN LATERAL (
                        SELECT m.id, m.km
                          FROM showroom_mileage_milestone m
                         WHERE m.active AND m.kind = 'mileage'
                           AND (m.company_id IS NULL OR m.company_id = v.company_id)
                           AND m.km <= v.odometer_last_km
                                       + COALESCE(v.odometer_km_per_day, 0)
                                       * GREATEST(today.day - v.odometer_last_date, 0)
                      ORDER BY m.km DESC
                         LIMIT 1
                       ) m ON TRUE
                 WHERE v.active AND v.state = 'delivered' AND v.partner_id IS NOT NULL
                   AND v.odometer_last_date IS NOT NULL %(restrict)s
                   AND NOT EXISTS (SELECT 1 FROM showroom_milestone_call c
                                    WHERE c.vehicle_id = v.id AND c.milestone_id = m.id)
                 UNION ALL
                SELECT v.id, v.company_id, m.id, v.insurance_renewal_date, v.insurance_renewal_date - m.days_before
                  FROM showroom_vehicle v
                  JOIN today ON today.company_id = v.company_id
                  JOIN showroom_mileage_milestone m
                    ON m.active AND m.kind = 'renewal' AND (m.company_id IS NULL OR m.company_id = v.company_id)
                 WHERE v.active AND v.state = 'delivered' AND v.partner_id IS NOT NULL
                   AND v.insurance_renewal_date IS NOT NULL %(restrict)s
                   AND v.insurance_renewal_date - today.day BETWEEN 0 AND m.days_before
                   AND NOT EXISTS (SELECT 1 FROM showroom_milestone_call c
                                    WHERE c.vehicle_id = v.id AND c.milestone_id = m.id
                                      AND c.renewal_date = v.insurance_renewal_date)
              ORDER BY 1, 3
                """,
                company_ids=list(today_by_company),
                days=list(today_by_company.values()),
                restrict=SQL("AND v.id = ANY(%s)", list(vehicle_ids)) if vehicle_ids is not None else SQL(),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _showroom_queue_batch(self, rows, today_by_company):
        """Insert the ``rows`` found by ``_showroom_milestone_crossings`` as waiting
        entries (no user, no call yet), queued today in their company's day, in one
        ``INSERT ... ON CONFLICT DO NOTHING``, and withdraw (close) the vehicles'
        entries of another mileage milestone that still wait; returns how many were
        inserted (the entries a concurrent run inserted first are not)."""
        self.env.cr.execute(
            """
            INSERT INTO showroom_milestone_call
                   (vehicle_id, milestone_id, company_id, renewal_date, date_crossed, date_open,
                    kind, partner_id, state, attempt_count, unreachable_count,
                    create_uid, write_uid, create_date, write_date)
            SELECT t.vehicle_id, t.milestone_id, t.company_id, t.renewal_date, t.date_crossed, today.day,
                   m.kind, v.partner_id, 'waiting', 0, 0,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(vehicle)s::int[], %(company)s::int[], %(milestone)s::int[], %(renewal)s::date[],
                          %(crossed)s::date[])
                   AS t(vehicle_id, company_id, milestone_id, renewal_date, date_crossed)
              JOIN unnest(%(company_ids)s::int[], %(days)s::date[]) AS today(company_id, day)
                ON today.company_id = t.company_id
              JOIN showroom_mileage_milestone m ON m.id = t.milestone_id
              JOIN showroom_vehicle v ON v.id = t.vehicle_id
            ON CONFLICT DO NOTHING
            """,
            {
                "uid": self.env.uid,
                **dict(zip(QUEUE_COLUMNS, map(list, zip(*rows, strict=True)), strict=True)),
                "company_ids": list(today_by_company),
                "days": list(today_by_company.values()),
            },
        )
        queued = self.env.cr.rowcount
        # the highest milestone crossed only: a vehicle's mileage entry still waiting
        # for another milestone is withdrawn (never called twice for one crossing)
        mileage = [(vehicle_id, milestone_id) for vehicle_id, _c, milestone_id, renewal, _d in rows if not renewal]
        if mileage:
            self.env.cr.execute(
                """
                UPDATE showroom_milestone_call c
                   SET state = 'closed', write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                  FROM unnest(%(vehicle)s::int[], %(milestone)s::int[]) AS t(vehicle_id, milestone_id)
                 WHERE c.vehicle_id = t.vehicle_id AND c.milestone_id != t.milestone_id
                   AND c.kind = 'mileage' AND c.state = 'waiting'
             RETURNING c.id
                """,
                {
                    "uid": self.env.uid,
                    "vehicle": [vehicle_id for vehicle_id, _milestone in mileage],
                    "milestone": [milestone_id for _vehicle, milestone_id in mileage],
                },
            )
            withdrawn = self.env["showroom.milestone.call"].browse([row[0] for row in self.env.cr.fetchall()])
            withdrawn.invalidate_recordset(["state", "write_uid", "write_date"])
        return queued

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def mail_allowed_qweb_expressions(self):
        return super().mail_allowed_qweb_expressions() + VEHICLE_PLACEHOLDERS
