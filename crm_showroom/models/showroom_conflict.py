import logging
from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.ownership import e164, first_visit_is_recent

_logger = logging.getLogger(__name__)

RULINGS = [
    ("auto", "Earlier registration (automatic)"),
    ("holder", "Awarded to the holder"),
    ("claimant", "Awarded to the claimant"),
    ("company", "Given to the company"),
]


class ShowroomConflict(models.Model):
    """An ownership conflict between two consultants of one company (R7).

    Opened by the system, at every door (``crm.lead`` create/write, import, RPC;
    a visit card, ``showroom.visit``), when a consultant's open showroom
    opportunity (the *claimant's*) has the mobile or the customer of a colleague's
    open showroom opportunity or of a base customer the colleague holds
    (``res.partner.user_id``) — the *holder's*. Never across companies, never for
    one consultant's own opportunities, never against a consultant who left (an
    archived user: their customers go through the handover); one open conflict per holder's claim and
    claimant (a partial unique index: concurrent checks cannot duplicate it).

    The claimant is told at once who holds the customer and since when (their
    opportunity's banner, ``crm.lead.showroom_conflict_warning``, and its
    chatter); they never read the holder's opportunity nor its follow-ups: the
    figures of both claims are for the showroom manager only.

    R7.2: when the customer first visited within the team's
    ``showroom_conflict_recent_days`` (the company's calendar days), the earlier
    registration (``crm.lead.showroom_registered_at``) wins at once and the later
    opportunity is merged into the winner's (Odoo's merge, the history kept).
    R7.1/R7.3: otherwise the showroom manager rules with a reason — to one
    claimant (the other's opportunity is merged into the winner's, or, when the
    winner has none, handed to them) or to the company (the team's house account
    holds the deal and its commission is cleared). Open conflicts older than the
    team's ``showroom_conflict_deadline_days`` remind the team leader daily.
    """

    _name = "showroom.conflict"
    _description = "Ownership conflict"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Customer", required=True, readonly=True)
    mobile = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Showroom team", index=True, readonly=True, check_company=True)
    state = fields.Selection(
        [("open", "Open"), ("ruled", "Ruled")], required=True, default="open", index=True, tracking=True
    )
    pair_key = fields.Char(
        required=True,
        readonly=True,
        help="The holder's claim and the claimant: one open conflict per pair (a unique index).",
    )
    # the holder's claim: their open opportunity, or the base customer they hold
    holder_user_id = fields.Many2one("res.users", string="Holder", required=True, index=True, readonly=True)
    holder_lead_id = fields.Many2one(
        "crm.lead",
        string="Holder's opportunity",
        index="btree_not_null",
        readonly=True,
        groups="crm_showroom.group_showroom_manager",
    )
    holder_partner_id = fields.Many2one(
        "res.partner",
        string="Base customer held",
        index="btree_not_null",
        readonly=True,
        groups="crm_showroom.group_showroom_manager",
    )
    holder_since = fields.Datetime(
        string="Held since",
        readonly=True,
        help="The holder's registration: their opportunity's, or the base customer's first delivery.",
    )
    # the claimant's claim: their opportunity, and/or the visit cards of the customer they received
    claimant_user_id = fields.Many2one("res.users", string="Claimant", required=True, index=True, readonly=True)
    claimant_lead_id = fields.Many2one(
        "crm.lead",
        string="Claimant's opportunity",
        index="btree_not_null",
        readonly=True,
        groups="crm_showroom.group_showroom_manager",
    )
    claimant_visit_ids = fields.One2many(
        "showroom.visit",
        "showroom_conflict_id",
        string="Claimant's visit cards",
        readonly=True,
        groups="crm_showroom.group_showroom_manager",
    )
    # both claims side by side (R7.1), for the manager only
    holder_channel_id = fields.Many2one(
        "showroom.source.channel",
        string="Holder's source channel",
        compute="_compute_claims",
        groups="crm_showroom.group_showroom_manager",
    )
    claimant_channel_id = fields.Many2one(
        "showroom.source.channel",
        string="Claimant's source channel",
        compute="_compute_claims",
        groups="crm_showroom.group_showroom_manager",
    )
    claimant_since = fields.Datetime(
        string="Claimant registered on",
        compute="_compute_claims",
        groups="crm_showroom.group_showroom_manager",
    )
    holder_followup_count = fields.Integer(
        string="Holder's follow-ups done", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    claimant_followup_count = fields.Integer(
        string="Claimant's follow-ups done", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    holder_followup_dates = fields.Char(
        string="Holder's follow-up dates", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    claimant_followup_dates = fields.Char(
        string="Claimant's follow-up dates", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    holder_last_contact = fields.Date(
        string="Holder's last contact", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    claimant_last_contact = fields.Date(
        string="Claimant's last contact", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    holder_visit_count = fields.Integer(
        string="Holder's visits", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    claimant_visit_count = fields.Integer(
        string="Claimant's visits", compute="_compute_claims", groups="crm_showroom.group_showroom_manager"
    )
    age_days = fields.Integer(
        string="Age (days)",
        compute="_compute_age_days",
        help="Days since the conflict was opened, in the company's calendar days.",
    )
    # the ruling (R7.1-R7.3): who, when, why
    ruling = fields.Selection(RULINGS, readonly=True, tracking=True)
    winner_user_id = fields.Many2one("res.users", string="Awarded to", readonly=True, tracking=True)
    ruled_by_id = fields.Many2one("res.users", string="Ruled by", readonly=True)
    ruled_at = fields.Datetime(string="Ruled on", readonly=True)
    ruling_reason = fields.Text(string="Reason", readonly=True)
    reminded_on = fields.Date(
        string="Last reminder",
        readonly=True,
        copy=False,
        help="The company's day of the last daily reminder to the team leader.",
    )

    def _auto_init(self):
        result = super()._auto_init()
        # one open conflict per holder's claim and claimant, whatever runs concurrently
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS showroom_conflict_open_pair_uniq
                   ON showroom_conflict (pair_key) WHERE state = 'open'"""
        )
        return result

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("create_date", "company_id")
    def _compute_age_days(self):
        for conflict in self:
            company = conflict.company_id or self.env.company
            opened = company._showroom_date_of(conflict.create_date or fields.Datetime.now())
            conflict.age_days = (company._showroom_today() - opened).days

    def _compute_claims(self):
        # sudo: the figures of both claims are shown to the manager only (field groups)
        conflicts = self.sudo()
        leads = conflicts.holder_lead_id | conflicts.claimant_lead_id
        done = defaultdict(list)
        if leads:
            for activity in (
                self.env["mail.activity"]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("res_model", "=", "crm.lead"),
                        ("res_id", "in", leads.ids),
                        ("active", "=", False),
                        ("date_done", "!=", False),
                        ("activity_type_id.is_showroom_followup", "=", True),
                    ],
                    order="date_done",
                )
            ):
                done[activity.res_id].append(activity.date_done)
        # the visit cards of the customer, by consultant (a claimant's cards are linked
        # to the holder's opportunity while the conflict is open)
        visits = defaultdict(int)
        if leads:
            for lead, user, count in (
                self.env["showroom.visit"]
                .sudo()
                ._read_group([("lead_id", "in", leads.ids)], ["lead_id", "user_id"], ["__count"])
            ):
                visits[lead.id, user.id] += count
        for conflict, conflict_su in zip(self, conflicts, strict=True):
            for side in ("holder", "claimant"):
                lead = conflict_su[f"{side}_lead_id"]
                dates = done.get(lead.id, [])
                conflict[f"{side}_channel_id"] = lead.showroom_channel_id
                conflict[f"{side}_followup_count"] = len(dates)
                conflict[f"{side}_followup_dates"] = ", ".join(format_date(self.env, day) for day in dates)
                conflict[f"{side}_last_contact"] = dates[-1] if dates else False
                conflict[f"{side}_visit_count"] = sum(
                    visits[lead_id, conflict_su[f"{side}_user_id"].id]
                    for lead_id in (conflict_su.holder_lead_id | conflict_su.claimant_lead_id).ids
                )
            conflict.claimant_since = min(
                filter(
                    None,
                    [
                        conflict_su.claimant_lead_id.showroom_registered_at,
                        *conflict_su.claimant_visit_ids.mapped("date_in"),
                    ],
                ),
                default=False,
            )

    # ------------------------------------------------------------
    # ACTIONS (R7.1, R7.3: the showroom manager rules)
    # ------------------------------------------------------------

    def action_rule_holder(self):
        return self._showroom_open_ruling("holder")

    def action_rule_claimant(self):
        return self._showroom_open_ruling("claimant")

    def action_rule_company(self):
        return self._showroom_open_ruling("company")

    def _showroom_open_ruling(self, ruling):
        """The ruling dialog, which asks for the reason (``showroom.conflict.rule``)."""
        self.ensure_one()
        self._showroom_check_can_rule()
        return {
            "name": dict(self._fields["ruling"]._description_selection(self.env))[ruling],
            "type": "ir.actions.act_window",
            "res_model": "showroom.conflict.rule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_conflict_id": self.id, "default_ruling": ruling},
        }

    # ------------------------------------------------------------
    # BUSINESS: OPENING
    # ------------------------------------------------------------

    @api.model
    def _showroom_open_domain(self):
        """Open conflicts: the one definition the Python checks and the inspection's
        SQL (``showroom.fine.rule``) use."""
        return [("state", "=", "open")]

    @api.model
    def _showroom_check_leads(self, leads):
        """R7: open the conflicts of ``leads`` (the claims just created or whose
        mobile or customer changed) with the colleagues of the same company who
        hold their customer: an open showroom opportunity with the same normalised
        mobile or customer (one indexed query for the batch), or a base customer
        held by a colleague (``phone_sanitized`` or the customer), also when the
        colleague enters it at the same moment (``showroom.conflict.key``). Returns
        the conflicts opened."""
        claims = leads._showroom_filter_open().filtered(lambda lead: lead.user_id and lead.company_id)
        if not claims:
            return self.browse()
        # sudo: the holders' opportunities are unreadable to the claimant; only the
        # conflict (who holds the customer and since when) is shown to them
        Lead = self.env["crm.lead"].sudo()
        claims_su = claims.sudo()
        # a colleague entering the customer at this moment is not in this snapshot:
        # the shared key row makes the later of the two run again (showroom.conflict.key)
        self.env["showroom.conflict.key"].sudo()._showroom_touch(claims_su)
        mobiles = set(claims_su.filtered("mobile").mapped("mobile"))
        partners = claims_su.partner_id
        holder_leads = (
            Lead.search(
                [
                    *Lead._showroom_open_domain(),
                    ("company_id", "in", claims_su.company_id.ids),
                    ("user_id", "!=", False),
                    ("id", "not in", claims.ids),
                    "|",
                    ("mobile", "in", list(mobiles)),
                    ("partner_id", "in", partners.ids),
                ],
                order="showroom_registered_at, id",
            )
            if mobiles or partners
            else Lead
        )
        base_customers = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("is_base_customer", "=", True),
                    ("user_id", "!=", False),
                    "|",
                    ("id", "in", partners.commercial_partner_id.ids),
                    ("phone_sanitized", "in", [e164(mobile) for mobile in mobiles]),
                ]
            )
            if mobiles or partners
            else self.env["res.partner"]
        )
        pairs = []
        for claim in claims_su:
            for holder in holder_leads:
                if (
                    holder.user_id.active
                    and holder.user_id != claim.user_id
                    and holder.company_id == claim.company_id
                    and (
                        (claim.mobile and holder.mobile == claim.mobile)
                        or (claim.partner_id and holder.partner_id == claim.partner_id)
                    )
                ):
                    pairs.append((claim, holder))
            for partner in base_customers:
                if (
                    partner.user_id.active
                    and partner.user_id != claim.user_id
                    and partner.company_id in (claim.company_id, self.env["res.company"])
                    and claim.company_id in partner.user_id.company_ids
                    and (
                        partner == claim.partner_id.commercial_partner_id
                        or (claim.mobile and partner.phone_sanitized == e164(claim.mobile))
                    )
                ):
                    pairs.append((claim, partner))
        return self._showroom_open_pairs(pairs)

    @api.model
    def _showroom_open_pairs(self, pairs):
        """Open a conflict for each ``(claimant's lead or visit card, holder's lead
        or base customer)`` of ``pairs``; an open conflict of that holder's claim and
        claimant gets the claimant's opportunity or card instead, and a pair of two
        opportunities already in conflict the other way round is left alone."""
        if not pairs:
            return self.browse()
        Conflict = self.sudo()
        keys = {self._showroom_pair_key(holder, claim.user_id): (claim, holder) for claim, holder in pairs}
        existing = Conflict.search([*self._showroom_open_domain(), ("pair_key", "in", list(keys))])
        lead_ids = [record.id for pair in pairs for record in pair if record._name == "crm.lead"]
        reverse = Conflict.search(
            [
                *self._showroom_open_domain(),
                ("holder_lead_id", "in", lead_ids),
                ("claimant_lead_id", "in", lead_ids),
            ]
        )
        reverse_pairs = {frozenset((c.holder_lead_id.id, c.claimant_lead_id.id)) for c in reverse}
        opened = self.browse()
        for conflict in existing:
            claim, _holder = keys.pop(conflict.pair_key)
            conflict._showroom_add_claim(claim)
        for key, (claim, holder) in keys.items():
            if (
                claim._name == "crm.lead"
                and holder._name == "crm.lead"
                and (frozenset((claim.id, holder.id)) in reverse_pairs)
            ):
                continue
            try:
                with self.env.cr.savepoint():
                    conflict = Conflict.create(self._showroom_prepare_values(claim, holder, key))
            except psycopg2.errors.UniqueViolation:
                # a concurrent transaction opened it: one open conflict per pair
                _logger.info("Showroom conflict %s already opened concurrently", key)
                continue
            conflict._showroom_add_claim(claim)
            conflict._showroom_notify_opened()
            opened |= conflict
        opened._showroom_rule_recent()
        return opened.with_env(self.env)

    @api.model
    def _showroom_pair_key(self, holder, claimant_user):
        return f"{holder._name},{holder.id}|{claimant_user.id}"

    @api.model
    def _showroom_prepare_values(self, claim, holder, key):
        company = claim.company_id
        if holder._name == "crm.lead":
            since = holder.showroom_registered_at
            name = holder.partner_id.name or holder.contact_name or holder.partner_name or holder.name
        else:
            delivered = holder.showroom_vehicle_ids.filtered("delivery_date").mapped("delivery_date")
            since = fields.Datetime.to_datetime(min(delivered)) if delivered else holder.create_date
            name = holder.name
        team = (
            claim.team_id
            if claim._name == "crm.lead"
            else holder.team_id
            if holder._name == "crm.lead"
            else (
                self.env["crm.team"].search(
                    [
                        ("is_showroom", "=", True),
                        ("company_id", "in", (company.id, False)),
                        ("member_ids", "in", claim.user_id.ids),
                    ],
                    limit=1,
                )
            )
        )
        return {
            "name": name,
            "mobile": claim.mobile or (holder.mobile if holder._name == "crm.lead" else False),
            "company_id": company.id,
            "team_id": team.id,
            "pair_key": key,
            "holder_user_id": holder.user_id.id,
            "holder_lead_id": holder.id if holder._name == "crm.lead" else False,
            "holder_partner_id": holder.id if holder._name == "res.partner" else False,
            "holder_since": since,
            "claimant_user_id": claim.user_id.id,
        }

    def _showroom_add_claim(self, claim):
        """The claimant's opportunity or visit card joins the conflict."""
        self.ensure_one()
        if claim._name == "crm.lead":
            if not self.claimant_lead_id:
                self.sudo().claimant_lead_id = claim
        else:
            claim.sudo().showroom_conflict_id = self

    def _showroom_notify_opened(self):
        """The claimant is told at once who holds the customer and since when; the
        holder that a colleague claims them (chatter notes, no feedback)."""
        self.ensure_one()
        conflict = self.sudo()
        claim = conflict.claimant_lead_id or conflict.claimant_visit_ids[:1]
        since = format_date(self.env, conflict.company_id._showroom_date_of(conflict.holder_since))
        claim.message_post(
            body=_(
                "Ownership conflict: this customer is held by %(holder)s since %(since)s. The showroom manager rules; "
                "you do not see their follow-ups.",
                holder=conflict.holder_user_id.name,
                since=since,
            ),
            subtype_xmlid="mail.mt_note",
        )
        holder = conflict.holder_lead_id or conflict.holder_partner_id
        holder.message_post(
            body=_(
                "Ownership conflict: %(claimant)s also claims this customer. The showroom manager rules.",
                claimant=conflict.claimant_user_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------
    # BUSINESS: RULING
    # ------------------------------------------------------------

    def _showroom_check_can_rule(self):
        self.env["res.users"]._showroom_check_manager(
            _("Only a showroom manager rules on an ownership conflict (R7.1); ask your manager.")
        )

    def _showroom_rule_recent(self):
        """R7.2: the open conflicts of ``self`` whose customer first visited within
        their team's recent days (the company's calendar days) are won by the
        earlier registration, without the manager."""
        for conflict in self.sudo().filtered_domain(self._showroom_open_domain()):
            claimant_since = conflict.claimant_since
            if conflict.holder_partner_id or not conflict.holder_since or not claimant_since:
                continue
            company = conflict.company_id
            first_day = company._showroom_date_of(min(conflict.holder_since, claimant_since))
            recent_days = conflict.team_id.showroom_conflict_recent_days
            if not first_visit_is_recent(first_day, company._showroom_today(), recent_days):
                continue
            ruling = "holder" if conflict.holder_since <= claimant_since else "claimant"
            reason = _(
                "R7.2: the customer first visited on %(day)s, within %(days)s days: the earlier registration wins.",
                day=format_date(self.env, first_day),
                days=recent_days,
            )
            conflict._showroom_rule(ruling, reason, automatic=True)

    def _showroom_rule(self, ruling, reason, automatic=False):
        """Rule the conflict (R7.1-R7.3) for ``ruling`` ("holder", "claimant" or
        "company") with ``reason``: the loser's opportunity is merged into the
        winner's (the history kept), or handed to the winner when they have none;
        "company" gives the deal to the team's house account and clears its
        commission. Who, when and why go on the conflict and in both chatters."""
        self.ensure_one()
        if not automatic:
            self._showroom_check_can_rule()
        if not (reason or "").strip():
            raise UserError(_("Give the reason of the ruling."))
        conflict = self.sudo()  # the manager rules on opportunities of any consultant of the team
        if conflict.state != "open":
            raise UserError(_("The conflict over %s is already ruled.", conflict.name))
        holder_lead, claimant_lead = conflict.holder_lead_id, conflict.claimant_lead_id
        Assignment = self.env["showroom.assignment"]
        if ruling == "company":
            house = conflict.team_id.showroom_house_user_id
            if not house:
                raise UserError(
                    _(
                        "Set the house account of the team %s before giving a deal to the company.",
                        conflict.team_id.name,
                    )
                )
            winner_user = house
            leads = (holder_lead | claimant_lead).sorted(lambda lead: (lead.showroom_registered_at, lead.id))
            kept, lost = leads[:1], leads[1:]
        else:
            winner_user = conflict.holder_user_id if ruling == "holder" else conflict.claimant_user_id
            kept, lost = (holder_lead, claimant_lead) if ruling == "holder" else (claimant_lead, holder_lead)
            if not kept:
                kept, lost = lost, kept.browse()
        with Assignment._showroom_reason("ruled", note=reason):
            if kept and kept.user_id != winner_user:
                # the team stays (Odoo would take the house account's, or none)
                kept.write({"user_id": winner_user.id, "team_id": kept.team_id.id})
                kept._showroom_reassign_followups()
            if ruling == "claimant" and conflict.holder_partner_id:
                conflict.holder_partner_id.user_id = winner_user
            if lost:
                kept = lost._showroom_merge_into(kept)
        if ruling == "company" and kept:
            kept.showroom_commission_excluded = True
        if kept and conflict.claimant_visit_ids:
            conflict.claimant_visit_ids.lead_id = kept
        conflict.write(
            {
                "state": "ruled",
                "ruling": "auto" if automatic else ruling,
                "winner_user_id": winner_user.id,
                "ruled_by_id": False if automatic else self.env.uid,
                "ruled_at": fields.Datetime.now(),
                "ruling_reason": reason,
            }
        )
        body = _(
            "%(ruling)s: %(winner)s. Ruled by %(who)s on %(when)s. Reason: %(reason)s",
            ruling=dict(self._fields["ruling"]._description_selection(self.env))[conflict.ruling],
            winner=winner_user.name,
            who=self.env.user.name if not automatic else _("the rule book"),
            when=format_date(self.env, conflict.company_id._showroom_today()),
            reason=reason,
        )
        for record in (conflict, *(holder_lead | claimant_lead), *conflict.holder_partner_id):
            record.message_post(body=body, subtype_xmlid="mail.mt_note")
        return kept

    # ------------------------------------------------------------
    # CRON (reminders)
    # ------------------------------------------------------------

    @api.model
    def _cron_showroom_conflict_reminders(self, batch_size=500):
        """Open conflicts older than their team's ``showroom_conflict_deadline_days``
        (the company's calendar days) remind the team leader: one open to-do on the
        conflict, due today, once per conflict per company day (``reminded_on``):
        a second run the same day changes nothing. Batched like the follow-up sweep
        (``ir.cron._showroom_batch_done``); a conflict that fails is logged and skipped."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        domain = [*self._showroom_open_domain(), ("team_id.user_id", "!=", False)]
        remaining = self.search_count(domain)
        reminded = last_id = 0
        while True:
            conflicts = self.search(domain + [("id", ">", last_id)], order="id", limit=batch_size)
            if not conflicts:
                break
            last_id = conflicts[-1].id
            open_todos = {
                (activity.res_id, activity.user_id.id): activity
                for activity in self.env["mail.activity"].search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", conflicts.ids),
                        ("activity_type_id", "=", todo.id),
                    ]
                )
            }
            for conflict in conflicts:
                try:
                    with self.env.cr.savepoint():
                        reminded += conflict._showroom_remind(todo, open_todos)
                except Exception:  # noqa: BLE001 - one bad conflict must not stop the reminders
                    _logger.exception("Showroom conflict reminders: conflict %s skipped", conflict.id)
            remaining = max(remaining - len(conflicts), 0)
            self.env["ir.cron"]._showroom_batch_done(reminded, remaining)
        return reminded

    def _showroom_remind(self, todo, open_todos):
        """Remind the team leader of this conflict if it is past its deadline and
        was not reminded today; 1 if reminded, else 0."""
        self.ensure_one()
        company = self.company_id
        today = company._showroom_today()
        if self.reminded_on == today or self.age_days < self.team_id.showroom_conflict_deadline_days:
            return 0
        leader = self.team_id.user_id
        leader_today = company._showroom_today(leader)
        activity = open_todos.get((self.id, leader.id))
        if activity:
            activity.date_deadline = leader_today
        else:
            self.activity_schedule(
                activity_type_id=todo.id,
                user_id=leader.id,
                date_deadline=leader_today,
                summary=_("Rule on the ownership conflict over %s", self.name),
            )
        self.reminded_on = today
        return 1
