from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.showroom_milestone_call import OUTCOMES as CALL_OUTCOMES


class ShowroomFollowupDone(models.TransientModel):
    """The "Done & schedule next" dialog of a showroom follow-up.

    R4.3: records what the customer said (reasons and details) on the follow-up
    and marks it done; R4.1/R3: on an open showroom opportunity, schedules the next
    follow-up, by default at today plus the grade's interval, or earlier if the
    consultant chooses (never later). The documents uploaded to mark the follow-up
    done (the chatter's upload button) are posted with the done message, as stock
    Mark Done does."""

    _name = "showroom.followup.done"
    _description = "Showroom Follow-up Done"

    activity_id = fields.Many2one("mail.activity", required=True, ondelete="cascade")
    res_name = fields.Char(related="activity_id.res_name", string="Customer")
    summary = fields.Char(related="activity_id.summary")
    reason_ids = fields.Many2many("showroom.feedback.reason", string="Customer feedback")
    feedback = fields.Text(string="What the customer said")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Documents",
        help="Documents uploaded to mark the follow-up done: they are attached to its done message.",
    )
    lead_id = fields.Many2one("crm.lead", compute="_compute_lead_id")
    schedules_next = fields.Boolean(compute="_compute_lead_id")
    latest_next_deadline = fields.Date(compute="_compute_lead_id", string="Due at the latest")
    next_deadline = fields.Date(
        string="Next follow-up on",
        compute="_compute_next_deadline",
        readonly=False,
        store=True,
    )
    next_summary = fields.Char(string="Next follow-up about")
    # R6.1: the mileage the customer gives, and the outcome of a base-customer call
    vehicle_id = fields.Many2one("showroom.vehicle", compute="_compute_vehicle_id")
    call_id = fields.Many2one("showroom.milestone.call", compute="_compute_vehicle_id")
    call_kind = fields.Selection(related="call_id.kind")
    call_outcome = fields.Selection(CALL_OUTCOMES, string="Outcome")
    odometer_km = fields.Integer(
        string="Km today", help="The mileage the customer gives: recorded as a reading of the vehicle."
    )

    @api.depends("activity_id")
    def _compute_vehicle_id(self):
        for wizard in self:
            activity = wizard.activity_id
            call = (
                self.env["showroom.milestone.call"].browse(activity.res_id)
                if activity.res_model == "showroom.milestone.call"
                else self.env["showroom.milestone.call"]
            )
            wizard.call_id = call
            wizard.vehicle_id = (
                call.vehicle_id
                if call
                else self.env["showroom.vehicle"].browse(activity.res_id)
                if activity.res_model == "showroom.vehicle"
                else False
            )

    @api.depends("activity_id")
    def _compute_lead_id(self):
        for wizard in self:
            activity = wizard.activity_id
            lead = (
                self.env["crm.lead"].browse(activity.res_id)
                if activity.res_model == "crm.lead" and activity.res_id
                else self.env["crm.lead"]
            )
            # the next follow-up is scheduled only when this one is the last open one (R4.1)
            left = self.env["showroom.followup.mixin"]._showroom_records_left_without(activity)
            open_lead = left.get("crm.lead", self.env["crm.lead"])
            wizard.lead_id = lead
            wizard.schedules_next = bool(open_lead)
            wizard.latest_next_deadline = (
                open_lead._showroom_latest_followup_deadline(open_lead._showroom_followup_today())
                if open_lead.showroom_grade_id
                else False
            )

    @api.depends("latest_next_deadline")
    def _compute_next_deadline(self):
        for wizard in self:
            wizard.next_deadline = wizard.latest_next_deadline

    def action_done(self):
        self.ensure_one()
        activity = self.activity_id
        if not activity.active:
            raise UserError(_("This follow-up is already done."))
        if self.schedules_next and self.next_deadline:
            if self.next_deadline < self.lead_id._showroom_followup_today():
                raise UserError(_("The next follow-up cannot be due in the past."))
            if self.latest_next_deadline and self.next_deadline > self.latest_next_deadline:
                raise UserError(
                    _(
                        "The next follow-up must be due on or before %s (the grade's interval).",
                        format_date(self.env, self.latest_next_deadline),
                    )
                )
        if self.odometer_km and self.vehicle_id:
            self.env["showroom.odometer"].create(
                {"vehicle_id": self.vehicle_id.id, "km": self.odometer_km, "source": "call"}
            )
        activity.showroom_feedback_reason_ids = self.reason_ids
        if self.call_id:
            activity.showroom_call_outcome = self.call_outcome
        activity.with_context(
            showroom_next_deadline=self.next_deadline or False,
            showroom_next_summary=self.next_summary or False,
        ).action_feedback(feedback=self.feedback, attachment_ids=self.attachment_ids.ids)
        return {"type": "ir.actions.act_window_close"}
