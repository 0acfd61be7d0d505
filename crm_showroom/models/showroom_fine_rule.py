from odoo import api, fields, models

from ..tools import segments
from ..tools.assignment import sql_held_by, sql_holder, sql_later_change, sql_leads_maybe_held
from ..tools.text import sql_is_blank
from ..tools.visit import sql_name_mismatch

# What the detector of each kind finds, for one inspected user (``s.user_id``) and
# one day of theirs (``s.day``, from ``s.day_start`` to ``s.day_end`` in UTC):
# rows (user_id, day, res_model, res_id), the record at fault. ``scope`` is the
# users and days inspected; the queries are set-based (one per rule kind for a
# whole batch of users).
#
# Placeholders ``_showroom_detector_query`` fills with the SQL that
# ``showroom.followup.mixin`` builds from the one definition of the follow-ups the
# rule book governs (R4.1, R4.3), the definition the Python rule uses too:
# GOVERNED, all governed follow-ups (alias ``a``: joins, then WHERE and the
# condition); LATE, likewise those whose lateness is this rule's breach (a
# consultant's follow-ups for ``followup_late``, the queue calls of telemarketing
# for ``call_late``); GOVERNED_LEAD, the condition on the governed opportunities
# (alias ``l``); FOLLOWUP and OPEN_FOLLOWUP, the condition on showroom follow-ups
# (alias ``a``), any or open; OPEN_CONFLICT, the condition on open ownership
# conflicts (alias ``c``, ``showroom.conflict._showroom_open_domain``).
GOVERNED, LATE, GOVERNED_LEAD, FOLLOWUP, OPEN_FOLLOWUP, OPEN_CONFLICT = (
    "{governed}", "{late}", "{governed_lead}", "{followup}", "{open_followup}", "{open_conflict}"
)
# R4.2, R6.1: due that day and not done that day (done later, or still open).
# ``date_done`` is already the assignee's calendar day. The breach is its
# assignee's, or, for an opportunity's follow-up, of the consultant who held the
# opportunity at the end of the day (a handover or a release afterwards moves the
# follow-up, not the breach: ``tools.assignment``); nobody's when the opportunity
# was in the pool then (its follow-ups wait for a claimant with the team leader).
LATE_DETECTOR = f"""
    SELECT s.user_id, s.day, 'mail.activity', a.id
      FROM scope s
      JOIN mail_activity a ON a.date_deadline = s.day
       AND (a.user_id = s.user_id
            OR (a.res_model = 'crm.lead' AND a.res_id IN ({sql_leads_maybe_held("s.user_id", "s.day_end")})))
      LEFT JOIN crm_lead held_lead ON a.res_model = 'crm.lead' AND held_lead.id = a.res_id
      {sql_later_change("held_lead.id", "s.day_end", "held")}
      {LATE}
       AND (a.active OR a.date_done IS NULL OR a.date_done > s.day)
       AND (held_lead.id IS NULL OR {sql_holder("held", "held_lead.user_id")} IS NOT NULL)
       AND {sql_held_by("held", "a.user_id", "s.user_id")}
"""
DETECTORS = {
    # R2.1, R8.1: the visit's card has no opportunity, or the opportunity's
    # customer is someone else: the SQL twin of ``tools.visit.visit_match_state``
    # on what the models stored with the Python definitions (mobiles normalised,
    # the names' keys of ``normalize_name``). R7: a card of a customer held by
    # another consultant is no breach while its ownership conflict is open.
    "visit_unmatched": f"""
        SELECT s.user_id, s.day, 'showroom.visit', v.id
          FROM scope s
          JOIN showroom_visit v ON v.user_id = s.user_id AND v.visit_date = s.day
          LEFT JOIN crm_lead l ON l.id = v.lead_id
         WHERE (l.id IS NULL
                OR COALESCE(v.mobile, '') <> COALESCE(l.mobile, '')
                OR {sql_name_mismatch("v.name_key", "l.showroom_name_keys")})
           AND NOT EXISTS (
                SELECT 1 FROM showroom_conflict c WHERE c.id = v.showroom_conflict_id AND {OPEN_CONFLICT})
    """,
    # R4.2: a consultant's follow-up due that day and not done that day.
    "followup_late": LATE_DETECTOR,
    # R6.1, R4.2: a telemarketing user's queue call due that day and not made that day.
    "call_late": LATE_DETECTOR,
    # R4.1: an opportunity that was open at the end of the day (created before,
    # open now or closed after) without a follow-up open at that moment (created
    # before the end of the day and not done by then: still open, or done after the
    # day). The breach is of the consultant who held the opportunity at the end
    # of the day (``tools.assignment``), not of today's holder.
    "no_followup": f"""
        SELECT s.user_id, s.day, 'crm.lead', l.id
          FROM scope s
          JOIN LATERAL ({sql_leads_maybe_held("s.user_id", "s.day_end")}) maybe(id) ON TRUE
          JOIN crm_lead l ON l.id = maybe.id AND l.type = 'opportunity' AND l.create_date < s.day_end
          {sql_later_change("l.id", "s.day_end", "held")}
          LEFT JOIN crm_stage st ON st.id = l.stage_id
         WHERE {GOVERNED_LEAD}
           AND {sql_held_by("held", "l.user_id", "s.user_id")}
           AND ((l.active AND NOT COALESCE(st.is_won, FALSE)) OR l.date_closed >= s.day_end)
           AND NOT EXISTS (
                SELECT 1
                  FROM mail_activity a
                 WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND {OPEN_FOLLOWUP}
                   AND a.create_date < s.day_end)
           AND NOT EXISTS (
                SELECT 1
                  FROM mail_activity a
                 WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND {FOLLOWUP} AND a.active IS NOT TRUE
                   AND a.date_done > %(day)s AND a.create_date < s.day_end)
    """,
    # R4.3: done that day without what the customer said (imports, API writes);
    # blank text as ``tools.text.is_blank`` (the done dialog's check) reads it.
    "feedback_missing": f"""
        SELECT s.user_id, s.day, 'mail.activity', a.id
          FROM scope s
          JOIN mail_activity a ON a.user_id = s.user_id AND a.date_done = s.day AND a.active IS NOT TRUE
          {GOVERNED}
           AND a.showroom_closed_reason IS NULL
           AND ({sql_is_blank("a.showroom_feedback")}
                OR NOT EXISTS (SELECT 1 FROM mail_activity_showroom_feedback_reason_rel r WHERE r.activity_id = a.id))
    """,
    # R5.1: delivered that day without the plan of that delivery
    # (``showroom.vehicle.plan_launched``: a redelivery needs a new plan).
    "plan_missing": """
        SELECT s.user_id, s.day, 'showroom.vehicle', v.id
          FROM scope s
          JOIN showroom_vehicle v ON v.user_id = s.user_id AND v.delivery_date = s.day AND v.state <> 'stock'
         WHERE v.plan_launched IS NOT TRUE
    """,
}


class ShowroomFineRule(models.Model):
    """A breach of the rule book that costs the consultant a fine (R8.1, R8.2).

    Rules are data: the shipped ones (one per kind) apply to every company; a
    company may have its own rule of a kind, which then replaces the shared one
    for it. The daily inspection (``showroom.inspection``) runs the detector of
    each rule's kind, in SQL, for all consultants of a batch at once:

    * ``visit_unmatched`` (R2.1, R8.1): a visit card of the day with no opportunity
      at the time of the inspection, or whose customer name or mobile differ from
      the opportunity's; a card in an open ownership conflict (R7) is none;
    * ``followup_late`` (R4.2): a consultant's follow-up due on the day and not
      done that day (the queue calls are not the consultants');
    * ``call_late`` (R6.1, R4.2): a telemarketing user's base-customer queue call
      due on the day and not made that day;
    * ``no_followup`` (R4.1): an open showroom opportunity without an open
      follow-up at the end of the day. The past is read from the activities
      themselves: a follow-up was open at the end of the day when it was created
      before and not done by then (``date_done`` after the day, or still open);
      the opportunity was open when it was created before and is open now or was
      closed (``date_closed``) after the day;
    * ``feedback_missing`` (R4.3): a follow-up done that day without a feedback
      reason or text (imports and API writes: the dialog requires both);
    * ``plan_missing`` (R5.1): a vehicle delivered that day whose post-purchase
      plan was not launched for that delivery (``showroom.vehicle.plan_launched``:
      a car returned and delivered again needs a new plan);
    * ``spot_check`` (R8.4): no detector; a manager's spot-check verdict "breach"
      makes the fine.
    """

    _name = "showroom.fine.rule"
    _description = "Fine rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="Short code of the rule, unique in a company.")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    kind = fields.Selection(
        [
            ("visit_unmatched", "Visit card not matching the CRM"),
            ("followup_late", "Follow-up not done on its day"),
            ("call_late", "Queue call not made on its day"),
            ("no_followup", "Opportunity without an open follow-up"),
            ("feedback_missing", "Follow-up done without feedback"),
            ("plan_missing", "Post-purchase plan not launched"),
            ("spot_check", "Call spot-check breach"),
        ],
        required=True,
        help="What finds the breach: the daily inspection's detector of this kind, or the manager's "
        "spot-check verdict.",
    )
    amount = fields.Monetary(
        string="Fine",
        required=True,
        default=50.0,
        currency_field="currency_id",
        help="The fine for each breach, in the company's currency.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="The company's currency; a rule of all companies is fined in each company's currency.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: segments.default_company(self),
        help="Empty: the rule applies to every company that has no rule of its own of this kind.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE NULLS NOT DISTINCT (code, company_id)",
            "The code of a fine rule is unique in a company.",
        ),
        ("amount_positive", "CHECK (amount >= 0)", "A fine cannot be negative."),
    ]

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for rule in self:
            rule.currency_id = (rule.company_id or self.env.company).currency_id

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_rules_by_company(self, companies):
        """``{company id: {kind: rule}}``: the active rules that apply to each of
        ``companies`` — its own rule of a kind, else the shared one."""
        # sudo: rules are configuration every consultant may read; the cron's user may lack the rights
        rules = self.sudo().search([("company_id", "in", [False, *companies.ids])])
        result = {}
        shared = rules.filtered(lambda rule: not rule.company_id)
        for company in companies:
            by_kind = {}
            for rule in rules.filtered_domain([("company_id", "=", company.id)]) + shared:
                by_kind.setdefault(rule.kind, rule)
            result[company.id] = by_kind
        return result

    def _showroom_detector_query(self):
        """The SQL of this rule's detector (see ``DETECTORS``), or ``None``."""
        self.ensure_one()
        if self.kind == "plan_missing":
            plan = self.env.ref("crm_showroom.activity_plan_post_purchase", raise_if_not_found=False)
            if not plan or not plan.sudo().active:
                return None  # no plan to launch: nothing to miss
        query = DETECTORS.get(self.kind)
        if not query:
            return None
        Followup = self.env["showroom.followup.mixin"]
        fragments = {
            GOVERNED: lambda: Followup._showroom_governed_followup_sql("a"),
            LATE: lambda: Followup._showroom_governed_followup_sql("a", Followup._showroom_late_rule_models(self.kind)),
            GOVERNED_LEAD: lambda: Followup._showroom_where_sql(
                "crm.lead", self.env["crm.lead"]._showroom_governed_domain(), "l"
            ),
            FOLLOWUP: lambda: Followup._showroom_where_sql("mail.activity", Followup._showroom_followup_domain(), "a"),
            OPEN_FOLLOWUP: lambda: Followup._showroom_open_followup_sql("a"),
            OPEN_CONFLICT: lambda: Followup._showroom_where_sql(
                "showroom.conflict", self.env["showroom.conflict"]._showroom_open_domain(), "c"
            ),
        }
        for placeholder, build in fragments.items():
            if placeholder in query:
                query = query.replace(placeholder, build())
        return query
