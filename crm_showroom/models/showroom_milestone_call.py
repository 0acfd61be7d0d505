import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_unique_index

_logger = logging.getLogger(__name__)

# Outcomes of a base-customer call that close its queue entry (R6.1).
CLOSING_OUTCOMES = ("interested", "trade_in", "not_interested", "renewed_here", "renewed_elsewhere")
# Outcomes that bring an opportunity for the consultant who sold the car.
OPPORTUNITY_OUTCOMES = ("interested", "trade_in")
# Consecutive unreachable calls that close an entry.

OUTCOMES = [
    ("interested", "Interested in a new car"),
    ("trade_in", "Trade-in"),
    ("serviced", "Serviced / other"),
    ("not_interested", "Not interested"),
    ("unreachable", "Unreachable"),
    ("renewed_here", "Renewed with us"),
    ("renewed_elsewhere", "Renewed elsewhere"),
]


class ShowroomMilestoneCall(models.Model):
    """An entry of the telemarketing queue (R6.1): a base customer's vehicle to
    call about a mileage milestone or an insurance renewal.

    A vehicle enters each milestone's queue exactly once (each renewal date
    once): a unique index, which the daily cron relies on (``INSERT ... ON
    CONFLICT DO NOTHING``) when two runs meet. An open entry carries one open
    call activity (``crm_showroom.activity_type_base_call``, a showroom follow-up:
    marked done with the customer's feedback and an outcome) for its
    telemarketing user, due every ``call_interval_months`` until an outcome
    closes it or its ``call_months`` run out. Interested in a new car, or a
    trade-in: an opportunity for the consultant who sold the car.
    """

    _name = "showroom.milestone.call"
    _description = "Base Customer Call"
    _inherit = ["mail.thread", "mail.activity.mixin", "showroom.followup.mixin"]
    _order = "state desc, date_open desc, id desc"
    _check_company_auto = True
    # a call not made on its day is the telemarketing user's breach (R6.1, R8.2)
    _showroom_late_rule = "call_late"

    vehicle_id = fields.Many2one("showroom.vehicle", required=True, ondelete="cascade", index=True, check_company=True)
    milestone_id = fields.Many2one("showroom.mileage.milestone", required=True, ondelete="restrict", index=True)
    kind = fields.Selection(related="milestone_id.kind", store=True)
    renewal_date = fields.Date(string="Insurance renewal", readonly=True)
    partner_id = fields.Many2one(related="vehicle_id.partner_id", store=True, string="Customer", index=True)
    partner_mobile = fields.Char(related="vehicle_id.partner_id.mobile", string="Mobile")
    vehicle_km = fields.Integer(related="vehicle_id.odometer_estimated", string="Estimated km")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Telemarketing", index=True, tracking=True, domain="[('share', '=', False)]"
    )
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, index=True, tracking=True
    )
    outcome = fields.Selection(OUTCOMES, tracking=True, readonly=True, help="The outcome of the last call.")
    date_open = fields.Date(string="Opened on", required=True, readonly=True)
    date_end = fields.Date(string="Called until", readonly=True, help="The last day the entry is called.")
    attempt_count = fields.Integer(string="Calls", readonly=True)
    unreachable_count = fields.Integer(
        string="Unreachable in a row",
        readonly=True,
        help="Calls in a row that found nobody; the milestone's limit closes the entry.",
    )
    opportunity_id = fields.Many2one("crm.lead", readonly=True, groups="sales_team.group_sale_salesman")

    def init(self):
        # R6.1: a vehicle enters each milestone's queue once, each renewal date once
        create_unique_index(
            self.env.cr,
            "showroom_milestone_call_once_idx",
            self._table,
            ["vehicle_id", "milestone_id", "COALESCE(renewal_date, '1970-01-01'::date)"],
        )

    @api.depends("vehicle_id", "milestone_id")
    def _compute_display_name(self):
        for call in self:
            call.display_name = " · ".join(filter(None, (call.milestone_id.name, call.vehicle_id.partner_id.name)))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        """Closing an entry by hand withdraws its open call (a manager handing it to
        another telemarketing user moves the call with it: ``showroom.followup.mixin``)."""
        result = super().write(vals)
        if vals.get("state") == "closed":
            calls = self.env["mail.activity"].search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self._call_type().id),
                ]
            )
            # sudo: the queue's own open calls, never executed, leave with the entry
            calls.sudo().unlink()
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_call(self):
        """The queue's "Call" button: the dialog of the open call activity."""
        self.ensure_one()
        activity = self.activity_ids.filtered(lambda act: act.activity_type_id == self._call_type())[:1]
        if not activity:
            raise UserError(_("This entry has no open call."))
        return activity.action_feedback_schedule_next()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _call_type(self):
        return self.env.ref("crm_showroom.activity_type_base_call")

    def _schedule_calls(self, deadlines):
        """One open call activity on each entry of ``self`` for its user, due on
        ``deadlines[entry id]``; in one create."""
        activity_type = self._call_type()
        # the activities' names are the entries' names: compute them in one batch, not
        # one by one when each activity reads its document's name
        self.fetch(["vehicle_id", "milestone_id", "user_id"])
        self.mapped("display_name")
        # the summary is the milestone's name in its caller's language (one read per language)
        names = {
            (lang, milestone.id): milestone.name
            for lang in set(self.user_id.mapped("lang"))
            for milestone in self.milestone_id.with_context(lang=lang)
        }
        calls = self.filtered("user_id")
        summaries = {call.id: names[call.user_id.lang, call.milestone_id.id] for call in calls}
        # sudo: the cron and the outcome of a call schedule the queue's own calls
        return calls.sudo()._showroom_schedule_followups(activity_type, deadlines, summaries)

    def _register_outcomes(self, activities):
        """The call ``activities`` (of these entries) were marked done with their
        ``showroom_call_outcome``: record it, open an opportunity when the customer
        is interested or trades in, and schedule the next call unless the outcome,
        the milestone's number of unreachable calls in a row (3) or the end of the entry's months close it."""
        today_by_user = self.env["res.company"]._showroom_today_by_user(activities.user_id)
        next_deadlines = {}
        for activity in activities:
            call = self.browse(activity.res_id)
            outcome = activity.showroom_call_outcome
            unreachable = call.unreachable_count + 1 if outcome == "unreachable" else 0
            values = {"outcome": outcome, "attempt_count": call.attempt_count + 1, "unreachable_count": unreachable}
            today = today_by_user.get(activity.user_id.id) or call.company_id._showroom_today()
            next_deadline = today + relativedelta(months=call.milestone_id.call_interval_months)
            if (
                outcome in CLOSING_OUTCOMES
                or unreachable >= call.milestone_id.unreachable_limit
                or (call.date_end and next_deadline >= call.date_end)
            ):
                values["state"] = "closed"
            else:
                next_deadlines[call.id] = next_deadline
            # sudo: the outcome fields are the queue's bookkeeping, read-only in the form
            call.sudo().write(values)
            if outcome in OPPORTUNITY_OUTCOMES:
                call._create_opportunity(trade_in=outcome == "trade_in")
        self.browse(list(next_deadlines))._schedule_calls(next_deadlines)

    def _create_opportunity(self, trade_in=False):
        """R6.1: the customer is interested in a new car (or trades this one in):
        an opportunity of the showroom team for the consultant who sold the car,
        else the team's least busy consultant, from the "base customer" channel,
        with the vehicle linked; it gets its 48-hour follow-up on creation."""
        self.ensure_one()
        # sudo: telemarketing has no access to opportunities (R6 security); it creates
        # this one for the consultant and only reads back its id
        vehicle = self.vehicle_id.sudo()
        team = vehicle.sale_order_id.team_id or vehicle.opportunity_id.team_id
        if not team.is_showroom:
            team = (
                self.env["crm.team"]
                .sudo()
                .search([("is_showroom", "=", True), ("company_id", "in", [vehicle.company_id.id, False])], limit=1)
            )
        consultant = vehicle.user_id
        if not consultant.active or (team and consultant not in team.member_ids | team.user_id):
            consultant = self._next_consultant(team)
        partner = vehicle.partner_id
        kind = _("Trade-in") if trade_in else _("New car")
        values = {
            "name": f"{partner.name} - {kind} ({self.milestone_id.name})",
            "type": "opportunity",
            "team_id": team.id,
            "user_id": consultant.id,
            "company_id": vehicle.company_id.id,
            "partner_id": partner.id,
            "contact_name": partner.name if not partner.is_company else False,
            "mobile": partner.mobile or partner.phone,
            "showroom_customer_kind": "company" if partner.is_company else "person",
            "showroom_purchase_type": "replacement" if trade_in else "additional",
            "showroom_channel_id": self.env.ref("crm_showroom.channel_base_customer").id,
            "showroom_grade_id": self.env.ref("crm_showroom.grade_n").id,
            "showroom_base_vehicle_id": vehicle.id,
            "showroom_trade_in": trade_in,
            "showroom_trade_in_vehicle_id": vehicle.id if trade_in else False,
            "showroom_trade_in_km": vehicle.odometer_estimated if trade_in else 0,
        }
        # the customer's address: the entry standard requires it (R5.2)
        values.update(
            street=partner.street,
            street2=partner.street2,
            zip=partner.zip,
            city=partner.city,
            city_id=partner.city_id.id,
            state_id=partner.state_id.id,
            country_id=partner.country_id.id,
        )
        lead = self.env["crm.lead"].sudo().create(values)
        self.sudo().opportunity_id = lead
        return lead

    @api.model
    def _next_consultant(self, team):
        """The team's active consultant with the fewest open opportunities."""
        members = (team.member_ids or team.user_id).filtered("active")
        if not members:
            return self.env["res.users"]
        counts = dict(
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                [("user_id", "in", members.ids), ("type", "=", "opportunity"), ("probability", "<", 100)],
                ["user_id"],
                ["__count"],
            )
        )
        return min(members, key=lambda user: (counts.get(user, 0), user.id))
