from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Key, in the cursor's server-side data (never in a context a client could send),
# of the reason and note of the holder changes written inside ``_showroom_reason``.
REASON_KEY = "crm_showroom.assignment_reason"

ASSIGNMENT_REASONS = [
    ("created", "Created"),
    ("assigned", "Assigned"),
    ("claimed", "Claimed from the pool"),
    ("released", "Released to the pool"),
    ("ruled", "Ruled in a conflict"),
    ("handed_over", "Handed over"),
    ("merged", "Merged"),
    ("moved_company", "Moved to another segment"),
]


class ShowroomAssignment(models.Model):
    """Who held a customer, and when (R7, G1, G4): one row per holder of a showroom
    opportunity (``crm.lead`` of a showroom team) or of a base customer
    (``res.partner.is_base_customer``), from the moment they got it to the moment
    it left them (empty while they hold it), with the reason of the change.

    Written at every door that changes ``user_id`` (form, import, RPC, mass edit,
    merge): ``crm.lead`` and ``res.partner`` call ``_showroom_record_holders``
    after their ``create``/``write``. Code that moves customers for a reason (a
    claim, a release, a ruling, a handover) wraps its write in
    ``_showroom_reason``; any other change is "assigned". An empty holder is the
    team's pool. One current row per record is a database constraint, so two
    concurrent writes cannot both open one.

    The daily inspection asks who held an opportunity at the end of the
    inspected day (``tools.assignment``, R8.2): a fine is the holder's of that
    day, not today's.
    """

    _name = "showroom.assignment"
    _description = "Showroom holder history"
    _order = "date_from desc, id desc"
    _rec_name = "user_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", index=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Base customer", index=True, ondelete="cascade", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Holder", index=True, readonly=True, help="Empty: in the team's pool."
    )
    previous_user_id = fields.Many2one("res.users", string="Previous holder", index=True, readonly=True)
    date_from = fields.Datetime(string="From", required=True, readonly=True, default=fields.Datetime.now)
    date_to = fields.Datetime(string="To", readonly=True, help="Empty while the holder still holds it.")
    reason = fields.Selection(ASSIGNMENT_REASONS, required=True, readonly=True, default="assigned")
    note = fields.Char(readonly=True)
    merged_from = fields.Char(
        readonly=True, help="The opportunity merged into this one whose holder this row was (R7.2)."
    )
    changed_by_id = fields.Many2one("res.users", string="Changed by", readonly=True, default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", index=True, readonly=True)

    _sql_constraints = [
        (
            "one_record",
            "CHECK ((lead_id IS NULL) <> (partner_id IS NULL))",
            "A holder row is of one opportunity or of one base customer.",
        ),
    ]

    def init(self):
        # one current holder per record, whatever the door and however concurrent
        for column in ("lead_id", "partner_id"):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON showroom_assignment (%s) WHERE date_to IS NULL",
                    SQL.identifier(f"showroom_assignment_current_{column}"),
                    SQL.identifier(column),
                )
            )
        # the inspection's questions: changes of an opportunity after a moment, and
        # the opportunities a user held before a change
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS showroom_assignment_lead_date
                   ON showroom_assignment (lead_id, date_from) WHERE lead_id IS NOT NULL"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS showroom_assignment_previous_date
                   ON showroom_assignment (previous_user_id, date_from) WHERE lead_id IS NOT NULL"""
        )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        if any(row.date_to and row.date_to < row.date_from for row in self):
            raise ValidationError(_("A holder's period cannot end before it starts."))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    @contextmanager
    def _showroom_reason(self, reason, note=None, override=True):
        """The holder changes written inside this block are for ``reason``
        (a key of ``ASSIGNMENT_REASONS``), with ``note``; with ``override``
        false, an enclosing block's reason stays (a merge inside a ruling is
        the ruling's)."""
        if reason not in dict(ASSIGNMENT_REASONS):
            raise ValueError(f"Unknown assignment reason {reason!r}")
        cache = self.env.cr.cache
        previous = cache.get(REASON_KEY)
        if override or previous is None:
            cache[REASON_KEY] = (reason, note)
        try:
            yield
        finally:
            if previous is None:
                cache.pop(REASON_KEY, None)
            else:
                cache[REASON_KEY] = previous

    @api.model
    def _showroom_record_holders(self, records, field, default_reason="assigned"):
        """Bring the history of ``records`` (opportunities when ``field`` is
        ``lead_id``, base customers when ``partner_id``) in line with their
        ``user_id``: for each record whose current row names another holder (or
        that has none yet), close that row now and open one for the record's
        holder. Set-based: one read of the current rows, one update, one insert."""
        if not records:
            return self.browse()
        records = records.sudo()  # the history is kept for everyone, whoever changes the holder
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s, id, user_id FROM showroom_assignment WHERE %s IN %s AND date_to IS NULL FOR UPDATE",
                SQL.identifier(field),
                SQL.identifier(field),
                tuple(records.ids),
            )
        )
        current = {record_id: (row_id, user_id) for record_id, row_id, user_id in self.env.cr.fetchall()}
        changed = records.filtered(lambda r: r.id not in current or current[r.id][1] != r.user_id.id)
        if not changed:
            return self.browse()
        now = fields.Datetime.now()
        closing = [current[r.id][0] for r in changed if r.id in current]
        if closing:
            self.env.cr.execute("UPDATE showroom_assignment SET date_to = %s WHERE id IN %s", (now, tuple(closing)))
            self.invalidate_model(["date_to"])
        reason, note = self.env.cr.cache.get(REASON_KEY) or (default_reason, None)
        return self.sudo().create(
            [
                {
                    field: record.id,
                    "user_id": record.user_id.id,
                    "previous_user_id": current.get(record.id, (None, False))[1] or False,
                    "date_from": now,
                    "reason": reason,
                    "note": note,
                    "company_id": record.company_id.id,
                }
                for record in changed
            ]
        )

    @api.model
    def _showroom_move_history(self, from_leads, to_lead):
        """Merging (R7.2): the history of the opportunities merged away goes to the
        one kept, marked with their names and their current rows closed; it tells
        who held them, not who held the one kept."""
        if not from_leads:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE showroom_assignment h
                  SET date_to = COALESCE(h.date_to, now() AT TIME ZONE 'UTC'),
                      merged_from = COALESCE(h.merged_from, l.name),
                      lead_id = %s
                 FROM crm_lead l
                WHERE l.id = h.lead_id AND h.lead_id IN %s""",
            (to_lead.id, tuple(from_leads.ids)),
        )
        self.invalidate_model()
