import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_unique_index

from ..tools.mileage import assign_round_robin

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
    CONFLICT DO NOTHING``) when two runs meet. An entry enters *waiting*, with no
    user and no call, and is opened when a member of its milestone's team has
    room under the company's cap of open entries per user, the oldest crossing
    first (``date_crossed``): the backlog is visible to the managers (Call
    Queue, Team Follow-ups) instead of staying undetected. An open entry carries one open
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
        [("waiting", "Waiting"), ("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        index=True,
        tracking=True,
        help="Waiting: every telemarketing user of the milestone has the company's cap of open entries; the "
        "entry is opened, oldest crossing first, as soon as one has room.",
    )
    date_crossed = fields.Date(
        string="Crossed on",
        readonly=True,
        help="When the vehicle crossed the milestone by its mileage forecast, or when the renewal window "
        "opened: waiting entries are opened oldest first.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True, readonly=True, help="The outcome of the last call.")
    date_open = fields.Date(
        string="Opened on",
        required=True,
        readonly=True,
        help="The day the entry was queued; for an entry that waited, the day it got its telemarketing user.",
    )
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
        """A waiting entry given a user is opened with its first call; closing an
        entry by hand withdraws its open call (a manager handing an open entry to
        another telemarketing user moves its call with it: ``showroom.followup.mixin``)."""
        waiting = self.browse()
        if vals.get("user_id") and "state" not in vals:
            waiting = self.filtered(lambda call: call.state == "waiting")
        result = super().write(vals)
        if waiting:
            waiting._showroom_open([vals["user_id"]] * len(waiting))
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

    @api.model
    def _showroom_open_waiting(self, today_by_company, batch_size=2000, vehicle_ids=None):
        """R6.1: open the waiting entries into the room their milestone's team has,
        the oldest crossing first (``date_crossed``, then the order they were
        queued): each goes to the member with the fewest open entries (round
        robin), never above the company's cap of open entries per user
        (``res.company.showroom_call_cap``, 0: none); the others keep waiting.
        Entries of archived milestones wait. ``today_by_company``: the showroom
        day of each company; batches of ``batch_size`` report their progress
        (``ir.cron._showroom_batch_done``); ``vehicle_ids``: these vehicles'
        entries only (tests, benchmarks). Returns how many entries were opened."""
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.milestone_id, c.company_id
                  FROM showroom_milestone_call c
                  JOIN showroom_mileage_milestone m ON m.id = c.milestone_id AND m.active
                 WHERE c.state = 'waiting' %s
              ORDER BY c.date_crossed, c.id
                """,
                SQL("AND c.vehicle_id = ANY(%s)", list(vehicle_ids)) if vehicle_ids is not None else SQL(),
            )
        )
        waiting = self.env.cr.fetchall()
        if not waiting:
            return 0
        # sudo: counts of every user's open entries and the companies' caps, so that
        # the cap holds whoever runs the check; nothing of them is returned
        loads = defaultdict(int)
        for user, count in self.sudo()._read_group([("state", "=", "open")], ["user_id"], ["__count"]):
            loads[user.id] = count
        companies = self.env["res.company"].sudo().browse({company_id for _call, _milestone, company_id in waiting})
        caps = {company.id: company.showroom_call_cap for company in companies}
        milestones = self.env["showroom.mileage.milestone"].browse({row[1] for row in waiting})
        members, full, assigned = {}, set(), []
        for call_id, milestone_id, company_id in waiting:
            key = (milestone_id, company_id)
            if key in full:
                continue
            if key not in members:
                members[key] = milestones.browse(milestone_id)._members(companies.browse(company_id)).ids
                if not members[key]:
                    _logger.warning("Base customer calls: milestone %s has no telemarketing user", milestone_id)
            [user_id] = assign_round_robin(members[key], loads, caps[company_id], 1) if members[key] else [None]
            if user_id is None:
                full.add(key)  # loads only grow during the run: the key's later entries wait too
                continue
            assigned.append((call_id, user_id))
        opened = 0
        for start in range(0, len(assigned), batch_size):
            batch = assigned[start : start + batch_size]
            calls = self.browse([call_id for call_id, _user in batch])
            opened += len(calls._showroom_open([user_id for _call, user_id in batch], today_by_company))
            self.env["ir.cron"]._showroom_batch_done(opened, max(len(assigned) - start - batch_size, 0))
        return opened

    def _showroom_open(self, user_ids, today_by_company=None):
        """R6.1: open these waiting entries, each for the user of ``user_ids`` at
        its position: called from today (the company's showroom day, from
        ``today_by_company`` or looked up) for the milestone's months, the first
        call due today. One UPDATE; an entry no longer waiting (closed, or opened
        by a concurrent run) is left alone. Returns the entries opened."""
        if not self:
            return self
        self.flush_recordset()
        if today_by_company is None:
            today_by_company = {company.id: company._showroom_today() for company in self.company_id}
        self.env.cr.execute(
            """
            UPDATE showroom_milestone_call c
               SET state = 'open', user_id = t.user_id, date_open = today.day,
                   date_end = (today.day + make_interval(months => m.call_months))::date,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(users)s::int[]) AS t(id, user_id),
                   unnest(%(company_ids)s::int[], %(days)s::date[]) AS today(company_id, day),
                   showroom_mileage_milestone m
             WHERE c.id = t.id AND c.state = 'waiting' AND today.company_id = c.company_id
               AND m.id = c.milestone_id
         RETURNING c.id, c.date_open
            """,
            {
                "uid": self.env.uid,
                "ids": self.ids,
                "users": list(user_ids),
                "company_ids": list(today_by_company),
                "days": list(today_by_company.values()),
            },
        )
        opened_rows = self.env.cr.fetchall()
        self.invalidate_recordset(["state", "user_id", "date_open", "date_end", "write_uid", "write_date"])
        opened = self.browse([call_id for call_id, _day in opened_rows])
        opened._schedule_calls(dict(opened_rows))
        return opened

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
        # G6: an answered call takes the customer off the churn-risk list at once (two
        # negative outcomes in a row put them on it)
        self.partner_id._showroom_churn_refresh()

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
