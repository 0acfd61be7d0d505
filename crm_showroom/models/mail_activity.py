
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, format_list

from odoo.addons.mail.models.mail_activity import MailActivity as MailActivityBase

from ..tools.text import is_blank
from .showroom_milestone_call import OUTCOMES as CALL_OUTCOMES

# Fields of an activity whose change can take a follow-up away from its
# opportunity's open follow-ups (R4.1).
FOLLOWUP_LINK_FIELDS = ("active", "activity_type_id", "res_model", "res_model_id", "res_id")
# Fields of a manager's instruction on a done follow-up (R8.3).
INSTRUCTION_FIELDS = ("showroom_instruction", "showroom_instruction_user_id", "showroom_instruction_date")
# Fields of a manager's review of a done follow-up (R8.3).
REVIEW_FIELDS = ("showroom_reviewed", "showroom_reviewed_by_id", "showroom_reviewed_date")
# Key, in the transaction's server-side data (never in a context a client could
# send), of the ids of the follow-ups being marked done by ``_action_done``.
DONE_FOLLOWUPS_KEY = "crm_showroom.followups_being_done"


class MailActivity(models.Model):
    """Showroom follow-ups are activities whose type is flagged
    ``is_showroom_followup``; the rule itself lives in ``showroom.followup.mixin``
    (which follow-ups it governs, their state, their life with their record).
    This model keeps the guards at its own doors: save, delete, mark done, snooze.

    The rule book governs the follow-ups of opportunities of showroom teams, of
    showroom vehicles and of base-customer queue calls (``_showroom_ruled``);
    follow-up activities elsewhere behave as stock activities. R4.3: a governed follow-up is marked done only
    with the customer's feedback (at least one reason and what they said); the
    done follow-up keeps both, and a manager may write an instruction on it
    (R8.3). R3: the deadline of an open follow-up of an open showroom opportunity
    never lies beyond the grade's interval, counted in the assignee's day.

    R4.1, at every door: the last open follow-up of an open showroom opportunity
    cannot stop being one — not deleted, archived, given another activity type
    or moved to another record (``write``/``unlink``, whatever the caller: form,
    import, RPC) — except by marking it done, which creates the next follow-up
    first, or by a showroom manager who gives a reason (the cancel dialog logs
    it). Refusing rather than replacing: a replacement created behind the
    consultant's back would let a follow-up vanish without the customer's
    feedback. Superuser flows (closing the follow-ups of a won or lost
    opportunity, deleting the opportunity itself) are the opportunity's own
    state changes and are not concerned.

    The audit trail (R4.3, R8): a done follow-up — what the customer said, when
    and by whom — is the record managers inspect. Nobody changes or deletes it
    but a showroom manager correcting it with a reason (context key
    ``showroom_correction_reason``), logged in the document's chatter. Only
    showroom managers write instructions. An overdue follow-up is not moved
    later (snoozed, rescheduled) without recording a contact: that is what
    "Done & schedule next" is for (the reason "Unreachable" covers calls that
    find nobody).
    """

    _inherit = "mail.activity"

    is_showroom_followup = fields.Boolean(related="activity_type_id.is_showroom_followup")
    showroom_feedback_required = fields.Boolean(
        string="Feedback required",
        compute="_compute_showroom_feedback_required",
        help="A showroom follow-up of an opportunity of a showroom team, of a vehicle or of a "
        "base-customer queue call: it is marked done with the customer's feedback. Follow-ups "
        "elsewhere behave as stock activities.",
    )
    showroom_feedback_reason_ids = fields.Many2many(
        "showroom.feedback.reason",
        "mail_activity_showroom_feedback_reason_rel",
        "activity_id",
        "reason_id",
        string="Customer feedback",
        help="What the customer said, as the basis of the next follow-up.",
    )
    showroom_feedback = fields.Text(string="Feedback details")
    showroom_closed_reason = fields.Selection(
        [
            ("won", "Closed — won"),
            ("lost", "Closed — lost"),
            ("returned", "Closed — vehicle returned"),
            ("claimed", "Closed — claimed from the pool"),
        ],
        string="Closure reason",
        readonly=True,
        help="Set when the follow-up was closed without being executed because its opportunity "
        "was won or lost, its vehicle returned or it was claimed from the pool; such a follow-up does not "
        "count as a breach.",
    )
    showroom_status = fields.Selection(
        [
            ("overdue", "Overdue"),
            ("today", "Today"),
            ("planned", "Planned"),
            ("done", "Done"),
            ("won", "Closed — won"),
            ("lost", "Closed — lost"),
            ("returned", "Closed — vehicle returned"),
            ("claimed", "Closed — claimed from the pool"),
        ],
        string="Status",
        compute="_compute_showroom_status",
        help="Where the follow-up stands; closed ones were not executed because their opportunity was "
        "won or lost, their vehicle returned or it was claimed from the pool: no feedback was skipped.",
    )
    # R6.1: the outcome of a base-customer call (activities of the telemarketing queue)
    showroom_call_outcome = fields.Selection(CALL_OUTCOMES, string="Call outcome")
    showroom_instruction = fields.Text(string="Manager instruction", readonly=True)
    showroom_instruction_user_id = fields.Many2one("res.users", string="Instructed by", readonly=True)
    showroom_instruction_date = fields.Datetime(string="Instructed on", readonly=True)
    # R8.3: the manager's review queue of done follow-ups
    showroom_reviewed = fields.Boolean(string="Reviewed", readonly=True, copy=False)
    showroom_reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True, copy=False)
    showroom_reviewed_date = fields.Datetime(string="Reviewed on", readonly=True, copy=False)
    showroom_lead_grade_id = fields.Many2one(
        "showroom.grade",
        string="Grade",
        compute="_compute_showroom_lead_followup",
        help="The grade of the follow-up's opportunity now.",
    )
    showroom_lead_next_date = fields.Date(
        string="Next follow-up",
        compute="_compute_showroom_lead_followup",
        help="When the opportunity's next open follow-up is due.",
    )

    # Activities of plans (R5.1 post-purchase follow-ups): the plan that created
    # them, and the end of their window under the day-of-month date rule.
    showroom_plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Created by plan",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    showroom_window_end = fields.Date(
        string="Window ends",
        readonly=True,
        help="Last day of the activity's window (day-of-month window date rule of its plan).",
    )
    # G6, the follow-up compliance report: its weeks are read by done day (indexed),
    # and an opportunity's first done follow-up keeps the hours since its registration
    date_done = fields.Date(index="btree_not_null")
    showroom_first_followup_hours = fields.Float(
        string="Hours to first follow-up",
        readonly=True,
        copy=False,
        help="On an opportunity's first done follow-up: the hours from the opportunity's registration to it.",
    )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("activity_type_id.is_showroom_followup", "res_model", "res_id")
    def _compute_showroom_feedback_required(self):
        ruled = self._showroom_ruled()
        for activity in self:
            activity.showroom_feedback_required = activity in ruled

    @api.depends("active", "date_deadline", "user_id", "showroom_closed_reason")
    def _compute_showroom_status(self):
        states = self.env["showroom.followup.mixin"]._showroom_followup_states(self.filtered("date_deadline"))
        for activity in self:
            activity.showroom_status = states.get(activity, False)

    @api.depends("res_model", "res_id")
    def _compute_showroom_lead_followup(self):
        """R8.3: the review queue shows the opportunity's grade and its next follow-up."""
        lead_ids = {act.res_id for act in self if act.res_model == "crm.lead" and act.res_id}
        if not lead_ids:  # e.g. a telemarketing user's calls: no opportunity to read (nor the right to)
            self.showroom_lead_grade_id = self.showroom_lead_next_date = False
            return
        leads = self.env["crm.lead"].with_context(active_test=False).search([("id", "in", list(lead_ids))])
        open_followups = [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
        open_followups += self.env["showroom.followup.mixin"]._showroom_open_followup_domain()
        next_dates = (
            dict(self.with_context(active_test=True)._read_group(open_followups, ["res_id"], ["date_deadline:min"]))
            if leads
            else {}
        )
        leads_by_id = {lead.id: lead for lead in leads}
        for activity in self:
            lead = leads_by_id.get(activity.res_id) if activity.res_model == "crm.lead" else None
            activity.showroom_lead_grade_id = lead and lead.showroom_grade_id
            activity.showroom_lead_next_date = next_dates.get(activity.res_id, False) if lead else False

    def _compute_date_done(self):
        """R4.2: a follow-up is done on the assignee's calendar day (stock Odoo
        takes the UTC date)."""
        just_done = self.filtered(lambda act: act.is_showroom_followup and not act.active and not act.date_done)
        result = super()._compute_date_done()
        if just_done:
            today_by_user = self.env["res.company"]._showroom_today_by_user(just_done.user_id)
            for activity in just_done:
                activity.date_done = today_by_user.get(activity.user_id.id) or self.env.company._showroom_today()
        return result

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date_deadline", "active", "res_id", "activity_type_id")
    def _check_showroom_followup_deadline(self):
        """R3: an open follow-up of an open showroom opportunity is due within
        the grade's interval from today."""
        if self.env.su:
            return
        records = self.env["showroom.followup.mixin"]._showroom_required_records(self.filtered("active"))
        if not records:
            return
        today_by_user = self.env["res.company"]._showroom_today_by_user(self.user_id)
        for activity in self:
            lead = records.get((activity.res_model, activity.res_id)) if activity.active else None
            if not lead:
                continue
            today = today_by_user.get(activity.user_id.id) or lead.company_id._showroom_today()
            latest = lead._showroom_latest_followup_deadline(today)
            if latest and activity.date_deadline > latest:
                raise ValidationError(
                    _(
                        "Grade %(grade)s customers are followed up at least every %(days)s days: "
                        "the follow-up of “%(lead)s” must be due on or before %(date)s.",
                        grade=lead.showroom_grade_id.code,
                        days=lead.showroom_grade_id.followup_interval_days,
                        lead=lead.display_name,
                        date=format_date(self.env, latest),
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(fname) for vals in vals_list for fname in REVIEW_FIELDS):
            self.env["res.users"]._showroom_check_manager(_("Only showroom managers review follow-ups."))
        launch = self.env.context.get("showroom_plan_launch")
        if launch:
            self._showroom_complete_plan_values(vals_list, *launch)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        if any(fname in vals for fname in INSTRUCTION_FIELDS):
            self.env["res.users"]._showroom_check_manager(_("Only showroom managers write instructions on follow-ups."))
        if any(fname in vals for fname in REVIEW_FIELDS):
            self.env["res.users"]._showroom_check_manager(_("Only showroom managers review follow-ups."))
        corrected = self._showroom_check_history_change(set(vals) - set(INSTRUCTION_FIELDS) - set(REVIEW_FIELDS))
        if "date_deadline" in vals:
            self._showroom_check_postpone(fields.Date.to_date(vals["date_deadline"]))
        if any(fname in vals for fname in FOLLOWUP_LINK_FIELDS):
            # the follow-ups being marked done have their next one already (``_action_done``)
            being_done = self.env.cr.precommit.data.get(DONE_FOLLOWUPS_KEY, set())
            leaving = self._showroom_leaving_followups(vals).filtered(lambda act: act.id not in being_done)
            leaving._showroom_check_removal()
        if corrected:
            corrected._showroom_log_correction([self._fields[fname] for fname in vals])
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            corrected = self._showroom_check_history_change({"id"})
            self._showroom_check_removal()
            if corrected:
                corrected._showroom_log_correction()
        return super().unlink()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_done(self):
        """The list views' Done button: follow-ups need feedback, so they open the dialog."""
        followups = self.filtered("active")._showroom_ruled()
        if followups:
            return followups._showroom_action_open_done_dialog()
        return super().action_done()

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """The chatter's "Mark Done" and "Done & Schedule Next": for a follow-up the rule
        book governs (``showroom_feedback_required``), open the dialog that records the
        customer's feedback and the next follow-up in one step (R4.3, R4.1). The
        documents uploaded to mark it done (``attachment_ids``, as stock Mark Done passes
        them to ``action_feedback``) go to the dialog, which posts them with the done
        message. Other activities are marked done as in stock Odoo."""
        followups = self.filtered(lambda act: act.active and act.showroom_feedback_required)
        if followups:
            action = followups._showroom_action_open_done_dialog(feedback)
            action["context"]["default_attachment_ids"] = list(attachment_ids or [])
            return action
        return super().action_feedback_schedule_next(feedback=feedback, attachment_ids=attachment_ids)

    def action_showroom_cancel(self):
        self.ensure_one()
        return {
            "name": _("Cancel follow-up"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.followup.cancel",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_activity_id": self.id},
        }

    def action_showroom_instruct(self):
        self.ensure_one()
        return {
            "name": _("Manager instruction"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.followup.instruction",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_activity_id": self.id,
                "default_instruction": self.showroom_instruction,
            },
        }

    def action_showroom_mark_reviewed(self):
        """R8.3: the manager read these done follow-ups and has nothing to instruct."""
        self._showroom_mark_reviewed()

    def _showroom_action_open_done_dialog(self, feedback=False):
        if len(self) > 1:
            raise UserError(_("Record the customer's feedback one follow-up at a time."))
        return {
            "name": _("Follow-up done"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.followup.done",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_activity_id": self.id,
                "default_feedback": feedback or self.showroom_feedback,
                "default_reason_ids": self.showroom_feedback_reason_ids.ids,
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _action_done(self, feedback=False, attachment_ids=None):
        """R4.3: a follow-up is done only with the customer's feedback, which it keeps;
        then (R4.1) its opportunity gets its next follow-up, due at the done date plus
        the grade's interval unless the context brings an earlier deadline
        (``showroom_next_deadline``, from the "Done & schedule next" dialog). The next
        follow-up is created before the done one is archived, so that the opportunity
        is never without one."""
        followups = self._showroom_ruled()
        if not followups:
            return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if feedback:
            followups.showroom_feedback = feedback
        followups._showroom_check_feedback()
        followups._showroom_check_call_outcomes()
        messages = self.env["mail.message"]
        next_activities = self.env["mail.activity"]
        for records in self.env["showroom.followup.mixin"]._showroom_records_left_without(followups).values():
            next_activities |= records._showroom_create_followups(
                deadline=self.env.context.get("showroom_next_deadline"),
                summary=self.env.context.get("showroom_next_summary"),
            )
        others = self - followups
        if others:
            messages, next_activities = super(MailActivity, others)._action_done(
                feedback=feedback, attachment_ids=attachment_ids
            )
        followups._showroom_record_first_followup_hours()
        being_done = self.env.cr.precommit.data.setdefault(DONE_FOLLOWUPS_KEY, set())
        being_done.update(followups.ids)
        try:
            for followup in followups:
                done_messages, done_next = super(MailActivity, followup)._action_done(
                    feedback=followup._showroom_feedback_summary(), attachment_ids=attachment_ids
                )
                messages |= done_messages
                next_activities |= done_next
        finally:
            being_done.difference_update(followups.ids)
        calls = followups.filtered(lambda act: act.res_model == "showroom.milestone.call")
        if calls:
            self.env["showroom.milestone.call"].browse(calls.mapped("res_id"))._register_outcomes(calls)
        return messages, next_activities

    def _showroom_record_first_followup_hours(self):
        """G6: on the follow-ups among these (being marked done) that are their
        opportunity's first done one, the hours since the opportunity was
        registered (``showroom_registered_at``): the compliance report's median."""
        on_leads = self.filtered(lambda act: act.res_model == "crm.lead" and act.res_id)
        if not on_leads:
            return
        # sudo: which opportunities already had a done follow-up is a figure, not a
        # document the user reads (one query, without mail.activity's access search)
        done_before = {
            res_id
            for (res_id,) in self.sudo().with_context(active_test=False)._read_group(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", on_leads.mapped("res_id")),
                    ("id", "not in", on_leads.ids),
                    ("active", "=", False),
                    ("showroom_closed_reason", "=", False),
                    *self.env["showroom.followup.mixin"]._showroom_followup_domain(),
                ],
                ["res_id"],
            )
        }
        # sudo: the registration time of the opportunities whose follow-ups the user marks done
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).browse(on_leads.mapped("res_id"))
        registered = {lead.id: lead.showroom_registered_at or lead.create_date for lead in leads}
        now = fields.Datetime.now()
        for followup in on_leads.sorted("id"):
            if followup.res_id in done_before or not registered.get(followup.res_id):
                continue
            done_before.add(followup.res_id)
            hours = (now - registered[followup.res_id]).total_seconds() / 3600
            # sudo: the figure is recorded as part of marking done, which the user may do
            followup.sudo().showroom_first_followup_hours = max(hours, 0.0)

    @api.model
    def _showroom_complete_plan_values(self, vals_list, plan_id, plan_date):
        """Activities created by the "Launch plan" dialog (context key
        ``showroom_plan_launch``, set by ``mail.activity.schedule``): link them to
        their plan, store the window end of the day-of-month date rule and render
        the placeholders of the template's note, as ``mail.activity.plan._showroom_launch``
        does. Each activity is matched to its template by type, summary and deadline."""
        plan = self.env["mail.activity.plan"].browse(plan_id)
        if not plan.is_showroom_plan:
            return
        plan_date = fields.Date.to_date(plan_date) or self.env.company._showroom_today(self.env.user)
        by_key = {}
        for template in plan.template_ids:
            deadline, window_end = template._showroom_get_date_window(plan_date)
            summary = template.summary or template.activity_type_id.summary or False
            by_key.setdefault((template.activity_type_id.id, summary, deadline), (template, window_end))
        for vals in vals_list:
            deadline = fields.Date.to_date(vals.get("date_deadline"))
            key = (vals.get("activity_type_id"), vals.get("summary") or False, deadline)
            if key not in by_key:
                continue
            template, window_end = by_key[key]
            vals.update(showroom_plan_id=plan.id, showroom_window_end=window_end)
            res_id = vals.get("res_id")
            if vals.get("note") and res_id and "{{" in vals["note"]:
                # sudo: only the technical name of the activity's model is read
                model = self.env["ir.model"].sudo().browse(vals.get("res_model_id")).model or vals.get("res_model")
                if model:
                    vals["note"] = template._showroom_render_note(self.env[model].browse(res_id))[res_id]

    def _showroom_ruled(self):
        """The follow-ups among these activities that the rule book governs
        (``showroom.followup.mixin._showroom_governed_followups``)."""
        return self.env["showroom.followup.mixin"]._showroom_governed_followups(self)

    def _showroom_check_feedback(self):
        """R4.3: at least one reason and some text; text of whitespace only is no
        feedback (``tools.text.is_blank``, which the inspection's SQL shares)."""
        missing = self.filtered(lambda act: not act.showroom_feedback_reason_ids or is_blank(act.showroom_feedback))
        if missing:
            raise UserError(
                _(
                    "Record what the customer said before marking the follow-up “%(summary)s” on "
                    "“%(record)s” done: choose at least one feedback reason and write the details.",
                    summary=missing[0].summary or missing[0].activity_type_id.name,
                    record=missing[0].res_name,
                )
            )

    def _showroom_check_call_outcomes(self):
        """R6.1: a base-customer call is done with its outcome, one that fits the
        entry (a renewal's outcomes for renewal calls only)."""
        calls = self.filtered(lambda act: act.res_model == "showroom.milestone.call")
        if not calls:
            return
        renewal_ids = set(
            self.env["showroom.milestone.call"].sudo().search(
                [("id", "in", calls.mapped("res_id")), ("kind", "=", "renewal")]
            ).ids
        )
        renewal_outcomes = ("renewed_here", "renewed_elsewhere")
        for activity in calls:
            outcome = activity.showroom_call_outcome
            if not outcome:
                raise UserError(_("Choose the outcome of the call to “%s”.", activity.res_name))
            if outcome in renewal_outcomes and activity.res_id not in renewal_ids:
                raise UserError(_("“Renewed with us / elsewhere” is the outcome of insurance renewal calls only."))

    def _showroom_feedback_summary(self):
        """The text of the chatter message posted when the follow-up is done."""
        self.ensure_one()
        reasons = format_list(self.env, self.showroom_feedback_reason_ids.mapped("name"))
        if self.showroom_call_outcome:
            outcome = dict(self._fields["showroom_call_outcome"]._description_selection(self.env))
            reasons = f"{outcome[self.showroom_call_outcome]} · {reasons}"
        # no label of its own: the chatter's done message already says "Feedback:"
        return f"{reasons}\n{self.showroom_feedback}"

    def _showroom_leaving_followups(self, vals):
        """The open follow-ups among these activities that would stop being open
        follow-ups of the same record once ``vals`` is written: archived, given an
        activity type that is not a follow-up, or moved to another record."""
        open_followups = self.filtered(lambda act: act.active and act.is_showroom_followup)
        if not open_followups:
            return open_followups
        if "active" in vals and not vals["active"]:
            return open_followups
        if "activity_type_id" in vals and not (
            self.env["mail.activity.type"].browse(vals["activity_type_id"]).is_showroom_followup
        ):
            return open_followups
        model = vals.get("res_model")
        if "res_model_id" in vals:
            # sudo: only the technical name of the model is read
            model = self.env["ir.model"].sudo().browse(vals["res_model_id"]).model
        return open_followups.filtered(
            lambda act: (model and model != act.res_model) or ("res_id" in vals and act.res_id != vals["res_id"])
        )

    def _showroom_check_removal(self):
        """R4.1: refuse that these activities stop being open follow-ups when that
        leaves an open showroom opportunity without one. A showroom manager may,
        with a reason (given through the context key
        ``showroom_followup_cancel_reason`` by the cancel dialog, which logs it in
        the chatter)."""
        left = self.env["showroom.followup.mixin"]._showroom_records_left_without(self)
        if not left:
            return
        if self.env.context.get("showroom_followup_cancel_reason") and self.env["res.users"]._showroom_is_manager():
            return
        raise UserError(
            _(
                "“%(lead)s” must always have an open follow-up: mark this one done with the "
                "customer's feedback, or schedule another one first. A showroom manager can "
                "cancel it with a reason.",
                lead=next(iter(left.values()))[0].display_name,
            )
        )

    def _showroom_check_history_change(self, fnames):
        """The audit trail: refuse to change (``fnames``) or delete done
        follow-ups, unless a showroom manager corrects them with a reason.
        Returns the done follow-ups so corrected, to be logged."""
        done = self.filtered(lambda act: not act.active)._showroom_ruled() if fnames else self.browse()
        if not done:
            return done
        if not self.env.context.get("showroom_correction_reason"):
            raise UserError(
                _(
                    "The follow-up “%(summary)s” of “%(record)s” is done: what the customer said, when and "
                    "by whom is the record managers inspect, and is not changed afterwards. A showroom "
                    "manager can correct it, giving the reason.",
                    summary=done[0].summary or done[0].activity_type_id.name,
                    record=done[0].res_name,
                )
            )
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers correct done follow-ups."))
        return done

    def _showroom_log_correction(self, fields_changed=None):
        """Log a manager's correction of these done follow-ups in their documents'
        chatter: the fields ``fields_changed`` were corrected, or (``None``) the
        follow-ups deleted."""
        reason = self.env.context["showroom_correction_reason"]
        labels = format_list(self.env, [field._description_string(self.env) for field in fields_changed or ()])
        for activity in self:
            values = {
                "summary": activity.summary or activity.activity_type_id.name,
                "date": format_date(self.env, activity.date_done),
                "user": self.env.user.name,
                "fields": labels,
            }
            if fields_changed is None:
                header = _("Done follow-up “%(summary)s” of %(date)s deleted by %(user)s. Reason:", **values)
            else:
                header = _(
                    "Done follow-up “%(summary)s” of %(date)s corrected by %(user)s (%(fields)s). Reason:", **values
                )
            self.env[activity.res_model].browse(activity.res_id).message_post(
                body=Markup("<p>%s</p><p>%s</p>") % (header, reason),
                subtype_xmlid="mail.mt_note",
            )

    def _showroom_check_postpone(self, new_deadline):
        """Refuse to move an overdue follow-up later without recording a contact
        (R4.2: each day's follow-ups are executed that day)."""
        if not new_deadline or self.env.context.get("showroom_correction_reason"):
            return
        moved_later = self.filtered(
            lambda act: act.active and act.date_deadline and new_deadline > act.date_deadline
        )._showroom_ruled()
        states = self.env["showroom.followup.mixin"]._showroom_followup_states(moved_later)
        overdue = [act for act, state in states.items() if state == "overdue"]
        if overdue:
            raise UserError(
                _(
                    "The follow-up “%(summary)s” of “%(record)s” is overdue: call the customer and record the "
                    "call with “Done & schedule next” (choose “Unreachable” when nobody answers) instead of "
                    "moving it to a later day.",
                    summary=overdue[0].summary or overdue[0].activity_type_id.name,
                    record=overdue[0].res_name,
                )
            )

    def _showroom_review_values(self):
        return {
            "showroom_reviewed": True,
            "showroom_reviewed_by_id": self.env.uid,
            "showroom_reviewed_date": fields.Datetime.now(),
        }

    def _showroom_reassign(self, user):
        """G1 handover: these open activities go to ``user``, in a number of
        queries that does not grow with them. Stock ``mail.activity.write`` on
        ``user_id`` subscribes the new assignee to each activity's document one
        document at a time (an access check, a partner search and a followers
        query per activity: a handover of 20,000 follow-ups made 60,000 queries);
        here the same effects, set-based: one write below that loop, one
        subscription per model, one activity-counter refresh per user. No
        notification mail per activity (as ``mail_activity_quick_update``): the
        handover is logged on each document instead. Done activities are never
        moved: they keep their author (the audit trail, R4.3)."""
        moving = self.filtered(lambda act: act.active and act.user_id != user)
        if not moving:
            return
        previous = moving.user_id
        due = moving.filtered(lambda act: act.date_deadline <= fields.Date.today())
        # skips mail's per-activity loop only (the one override below ours): its
        # effects follow in batch; our own write guards concern done follow-ups
        # and R4.1 links, which an open activity changing hands does not touch
        super(MailActivityBase, moving).write({"user_id": user.id})
        for model, activities in moving.grouped("res_model").items():
            self.env[model].browse(set(activities.mapped("res_id"))).message_subscribe(partner_ids=user.partner_id.ids)
        if due:
            user._bus_send("mail.activity/updated", {"activity_created": True})
            previous._bus_send("mail.activity/updated", {"activity_deleted": True})

    def _showroom_mark_reviewed(self):
        """R8.3: a showroom manager marks done follow-ups reviewed (the review queue)."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers review follow-ups."))
        if self.filtered(lambda act: act.active or not act.is_showroom_followup or act.showroom_closed_reason):
            raise UserError(_("Only done follow-ups are reviewed."))
        self.filtered(lambda act: not act.showroom_reviewed).write(self._showroom_review_values())

    def _showroom_write_instruction(self, instruction):
        """R8.3: a showroom manager writes an instruction on a done follow-up, which
        reviews it; the consultant is notified on the opportunity's chatter."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers write instructions on follow-ups."))
        if not (instruction or "").strip():
            raise UserError(_("Write the instruction for the consultant."))
        not_done = self.filtered(lambda act: act.active or not act.is_showroom_followup)
        if not_done:
            raise UserError(_("Instructions are written on done follow-ups."))
        self.write(
            {
                "showroom_instruction": instruction,
                "showroom_instruction_user_id": self.env.uid,
                "showroom_instruction_date": fields.Datetime.now(),
                **self._showroom_review_values(),
            }
        )
        for activity in self:
            record = self.env[activity.res_model].browse(activity.res_id)
            record.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    _(
                        "Instruction on the follow-up “%(summary)s” done on %(date)s:",
                        summary=activity.summary or activity.activity_type_id.name,
                        date=format_date(self.env, activity.date_done),
                    ),
                    instruction,
                ),
                partner_ids=activity.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
