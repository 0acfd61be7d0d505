from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list, split_every

from ..tools.handover import split_evenly

CONSULTANT_GROUP = "crm_showroom.group_showroom_consultant"
TELEMARKETING_GROUP = "crm_showroom.group_showroom_telemarketing"

# What a user holds (G1), by kind: (model, role its new holder needs).
HELD_KINDS = {
    "opportunity": ("crm.lead", CONSULTANT_GROUP),
    "customer": ("res.partner", CONSULTANT_GROUP),
    "vehicle": ("showroom.vehicle", CONSULTANT_GROUP),
    "call": ("showroom.milestone.call", TELEMARKETING_GROUP),
}


class ShowroomHandover(models.TransientModel):
    """G1: a leaving employee never takes customers away. A showroom manager
    hands everything one user holds in the company — open showroom opportunities,
    base customers (``res.partner.user_id``), vehicles, open base-customer calls —
    with their open activities (follow-ups, post-purchase follow-ups, calls), to
    other users: split evenly (round robin over the items in id order, the
    recipients in the order listed) or line by line, with a mandatory reason.

    What stays once the wizard is gone: each moved record's chatter logs the
    handover (who, from whom, to whom, why), and the assignment history records
    the change with the reason ``handed_over``. Done activities are never moved:
    a done follow-up keeps its author (R4.3). New holders are active internal
    users of the company with the role of what they receive (a consultant for
    opportunities, base customers and vehicles; telemarketing for calls).

    Performance: the records move in one ``write`` per new holder and chunk, their
    activities in one set-based reassignment per chunk
    (``mail.activity._showroom_reassign``), their chatter lines in one batch: the
    number of queries grows with the chunks, not with the records."""

    _name = "showroom.handover"
    _description = "Hand over customers"

    _chunk_size = 1000

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users",
        string="From",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The user who leaves or hands over their customers.",
    )
    mode = fields.Selection(
        [("even", "Split evenly"), ("manual", "By hand")],
        string="Split",
        required=True,
        default="even",
        help="Split evenly: the items are dealt in turn to the users below, in the order listed. "
        "By hand: load the items and choose the new user of each.",
    )
    recipient_ids = fields.Many2many(
        "res.users",
        string="To",
        domain="[('share', '=', False), ('company_ids', 'in', company_id), ('id', '!=', user_id)]",
        help="Consultants receive opportunities, base customers and vehicles; telemarketing users receive calls.",
    )
    reason = fields.Text(required=True, help="Logged on every record handed over.")
    line_ids = fields.One2many("showroom.handover.line", "handover_id", string="Items")
    opportunity_count = fields.Integer(compute="_compute_counts", string="Opportunities")
    customer_count = fields.Integer(compute="_compute_counts", string="Base customers")
    vehicle_count = fields.Integer(compute="_compute_counts", string="Vehicles")
    call_count = fields.Integer(compute="_compute_counts", string="Calls")
    activity_count = fields.Integer(compute="_compute_counts", string="Open follow-ups")

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("user_id", "company_id")
    def _compute_counts(self):
        for wizard in self:
            counts = wizard._showroom_held_counts(wizard.user_id, wizard.company_id).get(wizard.user_id.id, {})
            for kind in (*HELD_KINDS, "activity"):
                wizard[f"{kind}_count"] = counts.get(kind, 0)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_load_lines(self):
        """By hand: one line per item held, proposing the even split, to edit."""
        self.ensure_one()
        self._showroom_check_manager()
        self.line_ids.unlink()
        plan = self._showroom_even_plan(self._showroom_held_items(), allow_missing=True)
        names = {}
        for kind, by_user in plan.items():
            records = self.env[HELD_KINDS[kind][0]].browse([i for ids in by_user.values() for i in ids])
            names.update({(kind, record.id): record.display_name for record in records})
        self.env["showroom.handover.line"].create(
            [
                {
                    "handover_id": self.id,
                    "kind": kind,
                    "res_id": res_id,
                    "name": names[kind, res_id],
                    "user_id": user_id,
                }
                for kind, by_user in plan.items()
                for user_id, ids in by_user.items()
                for res_id in ids
            ]
        )
        self.mode = "manual"
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Hand over customers"),
        }

    def action_hand_over(self):
        self.ensure_one()
        moved = self._showroom_hand_over()
        message = _(
            "%(user)s's customers are handed over: %(items)s.",
            user=self.user_id.name,
            items=format_list(self.env, self._showroom_describe(moved)) or _("nothing was held"),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "next": {"type": "ir.actions.act_window_close"}},
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_held_domains(self, users, company=None):
        """``{kind: domain}``: what ``users`` hold (G1), in ``company`` (default:
        every company). The one definition the wizard moves and the archiving of a
        user checks (``res.users._showroom_check_nothing_held``)."""
        companies = [("company_id", "=", company.id)] if company else []
        held = [("user_id", "in", users.ids)]
        return {
            "opportunity": [*held, *companies, *self.env["crm.lead"]._showroom_open_domain()],
            "customer": [
                *held,
                ("is_base_customer", "=", True),
                *([("company_id", "in", (company.id, False))] if company else []),
            ],
            "vehicle": [*held, *companies],
            "call": [*held, *companies, ("state", "=", "open")],
        }

    @api.model
    def _showroom_held_counts(self, users, company=None):
        """``{user id: {kind: count}}`` of what ``users`` hold, with ``activity``:
        their open activities on those kinds of records. One query per kind."""
        counts = {user.id: {} for user in users}
        if not users:
            return counts
        # sudo: only counts are read, for a manager's wizard or the archiving of a user
        for kind, domain in self._showroom_held_domains(users, company).items():
            Model = self.env[HELD_KINDS[kind][0]].sudo()
            for user, count in Model._read_group(domain, ["user_id"], ["__count"]):
                counts[user.id][kind] = count
        activities = self.env["mail.activity"].sudo()._read_group(
            self._showroom_followup_domain(users), ["user_id"], ["__count"]
        )
        for user, count in activities:
            counts[user.id]["activity"] = count
        return counts

    @api.model
    def _showroom_followup_domain(self, users):
        """The open showroom follow-ups (post-purchase ones and calls included) of
        ``users``, on any record: they are held too."""
        return [
            ("user_id", "in", users.ids),
            ("res_model", "in", [model for model, _role in HELD_KINDS.values()]),
            *self.env["showroom.followup.mixin"]._showroom_open_followup_domain(),
        ]

    def _showroom_held_items(self):
        """``{kind: ids}`` the leaving user holds in the wizard's company."""
        domains = self._showroom_held_domains(self.user_id, self.company_id)
        return {kind: self.env[HELD_KINDS[kind][0]].search(domain, order="id").ids for kind, domain in domains.items()}

    def _showroom_hand_over(self):
        """Check, plan and move (see the class docstring). Returns ``{kind: count}`` moved."""
        self._showroom_check_manager()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason of the handover: it is logged on every record handed over."))
        held = self._showroom_held_items()
        if not any(held.values()) and not self.env["mail.activity"].search_count(
            self._showroom_followup_domain(self.user_id), limit=1
        ):
            raise UserError(
                _(
                    "%(user)s holds nothing to hand over in %(company)s.",
                    user=self.user_id.name,
                    company=self.company_id.name,
                )
            )
        if self.mode == "manual":
            plan = self._showroom_manual_plan(held)
        else:
            plan = self._showroom_even_plan(held)
        for kind, by_user in plan.items():
            Model = self.env[HELD_KINDS[kind][0]]
            for user_id, ids in by_user.items():
                for chunk in split_every(self._chunk_size, ids, Model.browse):
                    self._showroom_move(chunk, self.env["res.users"].browse(user_id))
        self._showroom_move_stray_activities(plan)
        return {kind: sum(len(ids) for ids in by_user.values()) for kind, by_user in plan.items()}

    def _showroom_even_plan(self, held, allow_missing=False):
        """``{kind: {user id: ids}}``: each kind dealt evenly to the recipients with
        its role; ``allow_missing`` (the lines' proposal): items no recipient can
        take are left without a user (``False``) instead of refused."""
        # an archived recipient is refused by name, not silently left out
        recipients = self.with_context(active_test=False).recipient_ids.with_env(self.env)
        if recipients or not allow_missing:
            self._showroom_check_recipients(recipients)
        plan = {}
        for kind, ids in held.items():
            if not ids:
                continue
            eligible = self._showroom_eligible(recipients, kind)
            if not eligible:
                if allow_missing:
                    plan[kind] = {False: ids}
                    continue
                raise UserError(self._showroom_missing_role_message(kind, len(ids)))
            plan[kind] = {user_id: part for user_id, part in split_evenly(ids, eligible.ids).items() if part}
        if not allow_missing:
            kinds = set(plan)
            useless = recipients.filtered(lambda user: not any(user in self._showroom_eligible(user, k) for k in kinds))
            if useless:
                raise UserError(
                    _(
                        "%(users)s would receive nothing: a consultant receives opportunities, base customers and "
                        "vehicles, a telemarketing user receives calls.",
                        users=format_list(self.env, useless.mapped("name")),
                    )
                )
        return plan

    def _showroom_manual_plan(self, held):
        """``{kind: {user id: ids}}`` from the lines, for the items still held."""
        if not self.line_ids:
            raise UserError(_("Load the items and choose the new user of each, or split them evenly."))
        if self.line_ids.filtered(lambda line: not line.user_id):
            raise UserError(_("Choose the new user of every item."))
        self._showroom_check_recipients(self.line_ids.user_id)
        plan = {}
        for line in self.line_ids.sorted(lambda line: (line.kind, line.res_id)):
            if line.res_id not in held.get(line.kind, ()):
                continue
            if not self._showroom_eligible(line.user_id, line.kind):
                raise UserError(
                    _(
                        "%(user)s cannot receive “%(item)s”: %(role)s",
                        user=line.user_id.name,
                        item=line.name,
                        role=self._showroom_role_message(line.kind),
                    )
                )
            plan.setdefault(line.kind, {}).setdefault(line.user_id.id, []).append(line.res_id)
        return plan

    def _showroom_move(self, records, user):
        """One chunk to ``user``: the holder written once (tracked by the
        assignment history with the reason ``handed_over``; the showroom
        follow-ups move with it, ``showroom.followup.mixin``), the leaving user's
        other open activities on them reassigned in bulk, the handover logged on
        each record's chatter in one batch."""
        # mail_notrack: the chatter line below says it all, in one batch instead of one tracking message per record;
        # no "you have been assigned" mail per record
        quiet = records.with_context(mail_notrack=True, mail_auto_subscribe_no_notify=True)
        with self.env["showroom.assignment"]._showroom_reason("handed_over", note=self.reason):
            if records._name == "crm.lead":
                # the team written with the holder: an opportunity stays in its showroom team
                # (stock crm would move it to the recipient's default team)
                for team, leads in quiet.grouped("team_id").items():
                    leads.write({"user_id": user.id, "team_id": team.id})
            else:
                quiet.write({"user_id": user.id})
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("user_id", "=", self.user_id.id),
                ("active", "=", True),
            ]
        )
        activities._showroom_reassign(user)
        records._message_log_batch(bodies=dict.fromkeys(records.ids, self._showroom_log_body(user)))

    def _showroom_move_stray_activities(self, plan):
        """The leaving user's open showroom follow-ups left on records they do not
        hold (a follow-up on a colleague's opportunity) are dealt evenly too."""
        strays = self.env["mail.activity"].search(self._showroom_followup_domain(self.user_id), order="id")
        if not strays:
            return
        receivers = self.env["res.users"].browse({user_id for by_user in plan.values() for user_id in by_user})
        receivers = self._showroom_check_recipients(receivers | self.recipient_ids)
        kind_by_model = {model: kind for kind, (model, _role) in HELD_KINDS.items()}
        for model, activities in strays.grouped("res_model").items():
            kind = kind_by_model[model]
            eligible = self._showroom_eligible(receivers, kind)
            if not eligible:
                raise UserError(self._showroom_missing_role_message(kind, len(activities)))
            for user_id, ids in split_evenly(activities.ids, eligible.ids).items():
                activities.browse(ids)._showroom_reassign(self.env["res.users"].browse(user_id))

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _showroom_check_manager(self):
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers hand over customers."))

    def _showroom_check_recipients(self, users):
        """New holders: active internal users of the wizard's company, other than the leaving user."""
        if not users:
            raise UserError(_("Choose the users who receive %s's customers.", self.user_id.name))
        if self.user_id in users:
            raise UserError(_("%s cannot hand their customers over to themselves.", self.user_id.name))
        # sudo: the status and companies of colleagues are read to check them
        refused = users.sudo().filtered(
            lambda user: not user.active or user.share or self.company_id not in user.company_ids
        )
        if refused:
            raise UserError(
                _(
                    "%(users)s cannot receive customers of %(company)s: only active internal users of that "
                    "company can.",
                    users=format_list(self.env, refused.mapped("name")),
                    company=self.company_id.name,
                )
            )
        return users

    @api.model
    def _showroom_eligible(self, users, kind):
        """The users among ``users`` with the role to hold items of ``kind``."""
        return users.filtered(lambda user: user.has_group(HELD_KINDS[kind][1]))

    @api.model
    def _showroom_role_message(self, kind):
        if HELD_KINDS[kind][1] == TELEMARKETING_GROUP:
            return _("calls go to telemarketing users.")
        return _("opportunities, base customers and vehicles go to consultants.")

    def _showroom_missing_role_message(self, kind, count):
        return _(
            "%(user)s holds %(count)s × %(kind)s and none of the users chosen can receive them: %(role)s",
            user=self.user_id.name,
            count=count,
            kind=self._showroom_kind_labels()[kind],
            role=self._showroom_role_message(kind),
        )

    def _showroom_describe(self, counts):
        """``["12 × Opportunity", ...]`` for the kinds of ``counts``."""
        labels = self._showroom_kind_labels()
        return [f"{count} × {labels[kind]}" for kind, count in counts.items() if count]

    @api.model
    def _showroom_kind_labels(self):
        """``{kind: label}``, translated."""
        return dict(self.env["showroom.handover.line"]._fields["kind"]._description_selection(self.env))

    def _showroom_log_body(self, user):
        return Markup("<p>%s</p><p>%s</p>") % (
            _(
                "Handed over from %(old)s to %(new)s by %(manager)s. Reason:",
                old=self.user_id.name,
                new=user.name,
                manager=self.env.user.name,
            ),
            self.reason,
        )
