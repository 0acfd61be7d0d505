from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.visit import normalize_name, visit_match_state


class ShowroomVisit(models.Model):
    """A visit card (洽谈卡): one entry of the showroom's traffic log (R2.1).

    Reception or the consultant logs who came in, when, with whom and for which
    car. R2.1/R8.1: the card must match the CRM — it links to the customer's open
    showroom opportunity of its consultant, found by the normalised mobile (the
    only one: linked at once; several: the consultant picks among them), or a new
    opportunity is created from it (``action_create_opportunity``).
    ``match_state`` says whether the card and the opportunity agree; the daily
    inspection fines the cards that do not. R7.2: the first visit is the
    opportunity's registration time (``crm.lead.showroom_registered_at``).

    A customer registered by another consultant is not matched: that is an
    ownership conflict the showroom manager rules on (R7).
    """

    _name = "showroom.visit"
    _description = "Visit Card"
    _inherit = ["mail.thread"]
    _order = "date_in desc, id desc"
    _rec_name = "partner_name"
    _check_company_auto = True

    date_in = fields.Datetime(string="Arrived", required=True, default=fields.Datetime.now, tracking=True)
    date_out = fields.Datetime(string="Left")
    visit_date = fields.Date(
        string="Visit day",
        compute="_compute_visit_date",
        store=True,
        index=True,
        help="The day of the visit in the consultant's showroom day (their time zone, else the company's).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Consultant",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        tracking=True,
    )
    partner_name = fields.Char(string="Customer name", required=True, tracking=True)
    name_key = fields.Char(
        string="Name key",
        compute="_compute_name_key",
        store=True,
        help="The customer name as it is matched against the opportunity's names (width- and case-folded, "
        "without blanks or separators), for the daily inspection (R8.1).",
    )
    mobile = fields.Char(index="btree_not_null", tracking=True)
    party_size = fields.Integer(
        string="Party size", default=1, help="How many people came with the customer, the customer included."
    )
    visit_type = fields.Selection(
        [("first", "First visit"), ("return", "Return visit")],
        string="Visit",
        required=True,
        default="first",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Car wanted",
        domain="[('is_vehicle', '=', True), ('company_id', 'in', (company_id, False))]",
        help="The model, trim and color the customer came for.",
    )
    test_drive = fields.Boolean(string="Test drive", help="The customer took a test drive during this visit.")
    note = fields.Text(string="Notes")
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        tracking=True,
        domain="[('id', 'in', lead_candidate_ids)]",
        help="The customer's open showroom opportunity, found by mobile number.",
    )
    lead_candidate_ids = fields.Many2many(
        "crm.lead",
        string="Opportunities of this mobile",
        compute="_compute_lead_candidate_ids",
        help="The consultant's open showroom opportunities with this mobile number.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    match_state = fields.Selection(
        [("matched", "Matched"), ("unmatched", "No opportunity"), ("mismatch", "Name or mobile differ")],
        string="Card vs CRM",
        compute="_compute_match_state",
        store=True,
        index=True,
        help="Whether the visit card agrees with its opportunity (R8.1): without an opportunity, or "
        "with a customer name or mobile the opportunity does not have, the card does not match.",
    )

    _sql_constraints = [
        ("party_size_positive", "CHECK(party_size >= 1)", "A visit has at least one visitor."),
        (
            "date_out_after_date_in",
            "CHECK(date_out IS NULL OR date_out >= date_in)",
            "A visitor leaves after arriving.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("date_in", "user_id", "company_id")
    def _compute_visit_date(self):
        for visit in self:
            visit.visit_date = visit.company_id._showroom_date_of(visit.date_in, visit.user_id)

    @api.depends("partner_name")
    def _compute_name_key(self):
        """R8.1: ``tools.visit.normalize_name``, stored for the inspection's SQL
        (see ``crm.lead.showroom_name_keys``)."""
        for visit in self:
            visit.name_key = normalize_name(visit.partner_name) or False

    @api.depends("mobile", "user_id", "company_id")
    def _compute_lead_candidate_ids(self):
        leads_by_visit = self._showroom_find_leads()
        for visit in self:
            visit.lead_candidate_ids = leads_by_visit[visit]

    @api.depends(
        "lead_id",
        "partner_name",
        "mobile",
        "lead_id.mobile",
        "lead_id.contact_name",
        "lead_id.partner_name",
        "lead_id.partner_id.name",
    )
    def _compute_match_state(self):
        for visit in self:
            lead = visit.lead_id.sudo()  # sudo: the names of the card's own opportunity are compared
            visit.match_state = visit_match_state(
                visit.partner_name,
                visit.mobile,
                (lead.contact_name, lead.partner_name, lead.partner_id.name),
                lead.mobile,
                matched=bool(lead),
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("lead_id")
    def _check_lead_id(self):
        for visit in self.filtered("lead_id"):
            lead = visit.lead_id.sudo()  # sudo: only the team's flag and the type are read
            if lead.type != "opportunity" or not lead.team_id.is_showroom:
                raise ValidationError(
                    _("The visit of %s can only be linked to an opportunity of a showroom team.", visit.partner_name)
                )

    # ------------------------------------------------------------
    # ONCHANGE
    # ------------------------------------------------------------

    @api.onchange("mobile", "company_id")
    def _onchange_mobile(self):
        if self.mobile:
            self.mobile = self._showroom_format_mobile(self.mobile, self.company_id)

    @api.onchange("lead_candidate_ids")
    def _onchange_lead_candidate_ids(self):
        if self.lead_id not in self.lead_candidate_ids:
            self.lead_id = self.lead_candidate_ids if len(self.lead_candidate_ids) == 1 else False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self.default_get(["user_id", "company_id"])
        companies = self.env["res.company"].browse(
            {vals.get("company_id") or defaults.get("company_id") for vals in vals_list} - {None, False}
        )
        keys = {}
        for index, vals in enumerate(vals_list):
            company = companies.browse(vals.get("company_id") or defaults.get("company_id")) or self.env.company
            if vals.get("mobile"):
                vals["mobile"] = self._showroom_format_mobile(vals["mobile"], company)
                if not vals.get("lead_id"):
                    keys[index] = (vals["mobile"], vals.get("user_id") or defaults.get("user_id"), company.id)
        # the visits created find their opportunity in one query, before they are written
        leads_by_key = self._showroom_leads_by_key(set(keys.values()))
        for index, key in keys.items():
            if len(leads_by_key[key]) == 1:
                vals_list[index]["lead_id"] = leads_by_key[key].id
        # a traffic log: who entered a card is its creator; the chatter traces later changes
        visits = super(ShowroomVisit, self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)).create(
            vals_list
        )
        visits.filtered(lambda visit: not visit.lead_id)._showroom_link_held_customer()
        return visits

    def write(self, vals):
        if vals.get("user_id") and vals["user_id"] != self.env.uid and not self.env.su:
            # record rules check a write before it: a consultant's card stays theirs
            self.env["res.users"]._showroom_check_manager(
                _("Only showroom managers give a visit card to another consultant.")
            )
        if vals.get("mobile"):
            if len(self.company_id) > 1:  # each in the country of its company
                for visit in self:
                    visit.write(vals)
                return True
            company = self.env["res.company"].browse(vals.get("company_id")) or self.company_id or self.env.company
            vals = dict(vals, mobile=self._showroom_format_mobile(vals["mobile"], company))
        result = super().write(vals)
        if "lead_id" not in vals and any(fname in vals for fname in ("mobile", "user_id", "company_id")):
            self.filtered(lambda visit: not visit.lead_id)._showroom_link_single_match()
            self.filtered(lambda visit: not visit.lead_id)._showroom_link_held_customer()
        return result

    def _showroom_rule_refusal(self, operation):
        """R2.1, G5: a consultant logs and reads the visit cards of the customers they
        received. The sentence of that rule when it refuses ``self`` (a colleague's card
        in the user's companies), read instead of Odoo's generic record-rule text
        (``ir.rule._make_access_error``); None for another refusal."""
        user = self.env.user
        # sudo: reads only the consultant and company of the cards already refused
        if any(card.user_id != user and card.company_id in user.company_ids for card in self.sudo()):
            return _("A visit card is logged by the consultant who received the customer.")
        return None

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """No follower nor "assigned to you" email for the consultant of a card: reception
        logs dozens a day, and the consultant finds theirs in Visit Cards."""
        return []

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_create_opportunity(self):
        """R2.1: a new showroom opportunity from the card, in one click: the
        opportunity form opens filled in from it — customer name, mobile, car
        wanted, test drive, remarks, the walk-in channel, the consultant and their
        showroom team. The card does not know what else the entry standard asks
        (R2.2, R5.2: grade, purchase type, address), so the consultant completes it
        there; saving it links the card (``crm.lead.create``)."""
        self.ensure_one()
        if self.lead_id:
            raise UserError(_("The visit of %s is already linked to an opportunity.", self.partner_name))
        values = self._showroom_prepare_lead_values()
        return {
            "name": _("New opportunity"),
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "showroom_visit_id": self.id,
                **{f"default_{fname}": value for fname, value in values.items()},
            },
        }

    def action_open_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": self.lead_id.id,
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_format_mobile(self, number, company):
        """The mobile normalised as on opportunities (``crm.lead._showroom_format_mobile``),
        read in the country of the visit's company; a ValidationError if it is no
        valid mobile."""
        return self.env["crm.lead"]._showroom_format_mobile(number, country=company.country_id)

    def _showroom_find_leads(self):
        """``{visit: leads}``: for each of these visits, its consultant's open
        showroom opportunities in the visit's company whose mobile is the visit's."""
        leads_by_key = self._showroom_leads_by_key(
            {(visit.mobile, visit.user_id.id, visit.company_id.id) for visit in self}
        )
        return {visit: leads_by_key[visit.mobile, visit.user_id.id, visit.company_id.id] for visit in self}

    @api.model
    def _showroom_leads_by_key(self, keys):
        """``{(mobile, user id, company id): leads}``: the open showroom opportunities
        of that salesperson and company (or of no company) with that mobile, for
        each of ``keys``; one query for all of them (a day's cards imported at once)."""
        Lead = self.env["crm.lead"]
        result = defaultdict(lambda: Lead)
        keys = {key for key in keys if key[0] and key[1]}
        if not keys:
            return result
        company_ids = {company_id for _mobile, _user, company_id in keys}
        leads = Lead.search(
            [
                *Lead._showroom_open_domain(),
                ("mobile", "in", list({mobile for mobile, _user, _company in keys})),
                ("user_id", "in", list({user_id for _mobile, user_id, _company in keys})),
                ("company_id", "in", [*company_ids, False]),
            ],
            order="id",
        )
        for lead in leads:
            for company_id in [lead.company_id.id] if lead.company_id else company_ids:
                key = (lead.mobile, lead.user_id.id, company_id)
                if key in keys:
                    result[key] |= lead
        return result

    def _showroom_link_single_match(self):
        """Link each of these visits to its consultant's only open showroom
        opportunity of that mobile; with several, the consultant picks."""
        for visit, leads in self._showroom_find_leads().items():
            if len(leads) == 1:
                visit.lead_id = leads

    def _showroom_prepare_lead_values(self):
        """The values of an opportunity made from this visit card."""
        self.ensure_one()
        team = self.env["crm.team"].search(
            [
                ("is_showroom", "=", True),
                ("company_id", "in", (self.company_id.id, False)),
                "|",
                ("member_ids", "in", self.user_id.ids),
                ("user_id", "=", self.user_id.id),
            ],
            limit=1,
        )
        walk_in = self.env.ref("crm_showroom.channel_walk_in", raise_if_not_found=False)
        product = self.product_id
        values = {
            "name": " - ".join(filter(None, (self.partner_name, product.display_name))),
            "type": "opportunity",
            "contact_name": self.partner_name,
            "mobile": self.mobile or False,
            "user_id": self.user_id.id,
            "team_id": team.id or False,
            "company_id": self.company_id.id,
            "country_id": self.company_id.country_id.id or False,
            "showroom_channel_id": walk_in.id if walk_in else False,
            "showroom_product_id": product.id or False,
            "showroom_test_drive": "done" if self.test_drive else "none",
            "showroom_test_drive_date": fields.Datetime.to_string(self.date_in) if self.test_drive else False,
            "showroom_remarks": self.note or False,
        }
        return {fname: value for fname, value in values.items() if value is not False}

    # ------------------------------------------------------------
    # OWNERSHIP CONFLICTS (R7)
    # ------------------------------------------------------------

    showroom_conflict_id = fields.Many2one(
        "showroom.conflict",
        string="Ownership conflict",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The card's customer is held by another consultant: the card is linked to their opportunity, "
        "and is no unmatched card while the manager rules (R7, R8.1).",
    )

    def _showroom_link_held_customer(self):
        """R7: a card whose mobile belongs to a colleague's open showroom opportunity
        (same company; the earliest registered) is linked to it and opens the
        ownership conflict, instead of staying unmatched. One query for all cards."""
        visits = self.filtered("mobile")
        if not visits:
            return
        # sudo: the colleague's opportunity is found and linked, never shown to the card's consultant
        Lead = self.env["crm.lead"].sudo()
        leads = Lead.search(
            [
                *Lead._showroom_open_domain(),
                ("mobile", "in", list(set(visits.mapped("mobile")))),
                ("company_id", "in", visits.company_id.ids),
                ("user_id", "!=", False),
            ],
            order="showroom_registered_at, id",
        )
        pairs = []
        for visit in visits.sudo():
            holder = next(
                (
                    lead
                    for lead in leads
                    if lead.mobile == visit.mobile
                    and lead.user_id.active
                    and lead.company_id == visit.company_id
                    and lead.user_id != visit.user_id
                ),
                None,
            )
            if holder:
                pairs.append((visit, holder))
        # opened before the cards are linked: the holder's registration is their own
        self.env["showroom.conflict"]._showroom_open_pairs(pairs)
        for visit, holder in pairs:
            if not visit.lead_id:
                visit.lead_id = holder
