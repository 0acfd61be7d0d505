from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

# A fine in these states is final: nobody changes or deletes it, the superuser
# included; a manager corrects a confirmed one with a correction entry.
LOCKED_STATES = ("confirmed", "waived")


class ShowroomFine(models.Model):
    """A breach of the rule book on one consultant's inspection sheet (R8): the
    rule, the consultant, the amount in the company's currency, the day and the
    record at fault (``res_model``/``res_id``, opened by ``action_open_record``).

    Draft fines come from the daily inspection (unique per rule, record and day
    in the database) or from a spot-check verdict (R8.4). The manager confirms
    or waives each one (waiving needs a reason). A confirmed or waived fine is
    final: ``write`` and ``unlink`` refuse it for everybody, the superuser
    included, and a database trigger refuses it to any other door (SQL). The
    only change is a correction entry by a manager: a new confirmed line
    (``correction_of_id``) with a negative amount and a reason, logged in the
    sheet's chatter; when the fine was posted to accounting, the correction is a
    reversal of its entry.

    Optional (company setting ``showroom_fine_post_entries``): a confirmed fine is
    posted as a receivable from the consultant's work contact (the user's
    partner) against the company's fine income account, in the chosen journal.
    """

    _name = "showroom.fine"
    _description = "Fine"
    _order = "day desc, id desc"
    _check_company_auto = True

    inspection_id = fields.Many2one(
        "showroom.inspection", string="Inspection sheet", required=True, index=True, ondelete="cascade", readonly=True
    )
    rule_id = fields.Many2one("showroom.fine.rule", required=True, index=True, ondelete="restrict", readonly=True)
    kind = fields.Selection(related="rule_id.kind")
    user_id = fields.Many2one(
        "res.users", string="Consultant", required=True, index=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True, ondelete="restrict")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True, ondelete="restrict")
    amount = fields.Monetary(required=True, readonly=True)
    day = fields.Date(required=True, index=True, readonly=True, help="The day of the breach, in the consultant's day.")
    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, readonly=True)
    record_name = fields.Char(string="Record at fault", compute="_compute_record_name")
    state = fields.Selection(
        [("draft", "To review"), ("confirmed", "Confirmed"), ("waived", "Waived"), ("dropped", "Dropped")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        help="Dropped: the breach was fixed before the sheet was confirmed.",
    )
    waive_reason = fields.Text(readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_date = fields.Datetime(string="Decided on", readonly=True)
    correction_of_id = fields.Many2one(
        "showroom.fine", string="Correction of", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    correction_ids = fields.One2many("showroom.fine", "correction_of_id", string="Corrections", readonly=True)
    correction_reason = fields.Text(readonly=True)
    amount_net = fields.Monetary(
        string="Net amount",
        compute="_compute_amount_net",
        help="The confirmed amount after its corrections.",
    )
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True, copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "correction_reason_required",
            "CHECK (correction_of_id IS NULL OR correction_reason IS NOT NULL)",
            "A correction gives its reason.",
        ),
        (
            "waive_reason_required",
            "CHECK (state <> 'waived' OR waive_reason IS NOT NULL)",
            "A waived fine gives the reason.",
        ),
    ]

    def init(self):
        # One fine per rule, record at fault and day (corrections aside): the
        # inspection inserts with ON CONFLICT DO NOTHING against this index.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS showroom_fine_rule_record_day_uniq
                ON showroom_fine (rule_id, res_model, res_id, day) WHERE correction_of_id IS NULL;
            CREATE OR REPLACE FUNCTION showroom_fine_locked() RETURNS trigger AS $$
            BEGIN
                IF OLD.state IN ('confirmed', 'waived') THEN
                    RAISE EXCEPTION 'showroom.fine % is % and cannot be changed', OLD.id, OLD.state;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS showroom_fine_locked ON showroom_fine;
            CREATE TRIGGER showroom_fine_locked BEFORE UPDATE OR DELETE ON showroom_fine
                FOR EACH ROW EXECUTE FUNCTION showroom_fine_locked();
            """
        )

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("rule_id", "record_name")
    def _compute_display_name(self):
        for fine in self:
            fine.display_name = f"{fine.rule_id.name} — {fine.record_name or ''}"

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for model, fines in self.grouped("res_model").items():
            if model not in self.env:
                fines.record_name = False
                continue
            # sudo: the name of the record at fault, on a fine the user may read
            records = self.env[model].sudo().with_context(active_test=False).browse(fines.mapped("res_id")).exists()
            names = {record.id: record.display_name for record in records}
            for fine in fines:
                fine.record_name = names.get(fine.res_id) or _(
                    "%(model)s #%(id)s (deleted)", model=model, id=fine.res_id
                )

    @api.depends("amount", "state", "correction_ids.amount")
    def _compute_amount_net(self):
        for fine in self:
            fine.amount_net = (
                fine.amount + sum(fine.correction_ids.mapped("amount")) if fine.state == "confirmed" else 0.0
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") not in ("draft", "confirmed") or (
                vals.get("state") == "confirmed" and not vals.get("correction_of_id")
            ):
                raise UserError(_("A fine is created to be reviewed; only a correction is created confirmed."))
        return super().create(vals_list)

    def write(self, vals):
        """Final fines are never changed (the superuser included): see the class."""
        self._showroom_check_not_locked()
        return super().write(vals)

    def unlink(self):
        self._showroom_check_not_locked()
        return super().unlink()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_confirm(self):
        """The manager confirms these draft fines; posted to accounting when the
        company says so."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        fines = self.filtered(lambda fine: fine.state == "draft")
        for fine in fines:
            values = {"state": "confirmed", "decided_by_id": self.env.uid, "decided_date": fields.Datetime.now()}
            if fine.company_id.showroom_fine_post_entries:
                values["move_id"] = fine._showroom_post_entry().id
            fine.write(values)
        fines._showroom_log(_("Fine confirmed"))
        return True

    def action_waive_dialog(self):
        return {
            "name": _("Waive fines"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.fine.waive",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_fine_ids": [Command.set(self.ids)]},
        }

    def action_correct_dialog(self):
        self.ensure_one()
        return {
            "name": _("Correct a fine"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.fine.correct",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_fine_id": self.id, "default_amount": -self.amount_net},
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _showroom_waive(self, reason):
        """Waive these draft fines for ``reason`` (required)."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for waiving the fine."))
        not_draft = self.filtered(lambda fine: fine.state != "draft")
        if not_draft:
            raise UserError(_("Only fines to review are waived: “%(fine)s” is not.", fine=not_draft[0].display_name))
        self.write(
            {
                "state": "waived",
                "waive_reason": reason,
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
            }
        )
        self._showroom_log(_("Fine waived"), reason)

    def _showroom_correct(self, amount, reason):
        """A manager's correction of this confirmed fine: a new confirmed line of
        ``amount`` (negative: the fine is reduced; it never goes below zero),
        logged with ``reason``; a reversal of its journal entry when it was posted."""
        self.ensure_one()
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for the correction."))
        if self.state != "confirmed" or self.correction_of_id:
            raise UserError(_("Only a confirmed fine is corrected."))
        if (
            self.currency_id.compare_amounts(amount, 0) >= 0
            or self.currency_id.compare_amounts(-amount, self.amount_net) > 0
        ):
            raise ValidationError(
                _(
                    "A correction reduces the fine: between %(min)s and zero.",
                    min=format_amount(self.env, -self.amount_net, self.currency_id),
                )
            )
        move = self.env["account.move"]
        if self.move_id:
            move = self._showroom_reverse_entry(-amount, reason)
        correction = self.create(
            {
                "inspection_id": self.inspection_id.id,
                "rule_id": self.rule_id.id,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "amount": amount,
                "day": self.day,
                "res_model": self.res_model,
                "res_id": self.res_id,
                "state": "confirmed",
                "correction_of_id": self.id,
                "correction_reason": reason,
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
                "move_id": move.id,
            }
        )
        self._showroom_log(
            _("Fine corrected by %(amount)s", amount=format_amount(self.env, amount, self.currency_id)), reason
        )
        return correction

    def _showroom_check_not_locked(self):
        locked = self.filtered(lambda fine: fine.state in LOCKED_STATES)
        if locked:
            raise UserError(
                _(
                    "The fine “%(fine)s” is %(state)s and is not changed or deleted; a showroom manager "
                    "corrects a confirmed fine with a correction entry.",
                    fine=locked[0].display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[locked[0].state],
                )
            )

    def _showroom_log(self, title, reason=None):
        """Log a decision on these fines in their sheets' chatter."""
        for sheet, fines in self.grouped("inspection_id").items():
            items = Markup("").join(
                Markup("<li>%s (%s)</li>") % (fine.display_name, format_amount(self.env, fine.amount, fine.currency_id))
                for fine in fines
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (title, items)
            if reason:
                body += Markup("<p>%s %s</p>") % (_("Reason:"), reason)
            # sudo: the sheet is the manager's to annotate; posting needs no more rights than the decision
            sheet.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)

    def _showroom_entry_settings(self):
        company = self.company_id
        if not company.showroom_fine_journal_id or not company.showroom_fine_account_id:
            raise UserError(
                _("Set the journal and the income account of fines in the CRM settings before posting fines.")
            )
        partner = self.user_id.sudo().partner_id
        receivable = partner.with_company(company).property_account_receivable_id
        if not receivable:
            raise UserError(_("The consultant %(user)s has no receivable account.", user=self.user_id.name))
        return company, partner, receivable

    def _showroom_post_entry(self):
        """The journal entry of this confirmed fine: the consultant's work contact
        owes the fine (receivable) against the company's fine income account."""
        self.ensure_one()
        company, partner, receivable = self._showroom_entry_settings()
        label = _("Fine: %(fine)s (%(day)s)", fine=self.display_name, day=format_date(self.env, self.day))
        # sudo: a showroom manager books the fine they confirm without being an
        # accountant; the entry only concerns this fine
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": company.showroom_fine_journal_id.id,
                    "date": self.day,
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": receivable.id,
                                "partner_id": partner.id,
                                "name": label,
                                "debit": self.amount,
                                "credit": 0.0,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": company.showroom_fine_account_id.id,
                                "partner_id": partner.id,
                                "name": label,
                                "debit": 0.0,
                                "credit": self.amount,
                            }
                        ),
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _showroom_reverse_entry(self, amount, reason):
        """Reverse ``amount`` of this fine's journal entry (all of it, or the part
        corrected) with Odoo's reversal (``account.move._reverse_moves``), and
        reconcile it with the consultant's receivable."""
        # sudo: see _showroom_post_entry
        original = self.move_id.sudo()
        reversal = original._reverse_moves(
            [{"date": self.company_id._showroom_today(), "ref": _("Correction: %(reason)s", reason=reason)}]
        )
        if self.currency_id.compare_amounts(amount, original.amount_total) != 0:
            ratio = amount / original.amount_total
            for line in reversal.line_ids:
                line.with_context(check_move_validity=False).write(
                    {"balance": line.balance * ratio, "amount_currency": line.amount_currency * ratio}
                )
        reversal.action_post()
        receivable = original.line_ids.filtered(lambda line: line.debit).account_id
        (original.line_ids + reversal.line_ids).filtered(
            lambda line: line.account_id == receivable and not line.reconciled
        ).reconcile()
        return reversal
