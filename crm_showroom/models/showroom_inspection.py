import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_list, split_every
from odoo.tools.sql import create_index

from ..tools.showroom_day import day_bounds_utc

_logger = logging.getLogger(__name__)

# What a confirmed sheet keeps for good (its chatter and note stay open).
LOCKED_SHEET_FIELDS = {"user_id", "day", "company_id", "state", "confirmed_by_id", "confirmed_date"}


class ShowroomInspection(models.Model):
    """The daily check sheet of one consultant for one day (R8.1, R8.2); the
    telemarketing users are inspected too, for their queue calls (R6.1).

    Each night the cron ``crm_showroom.ir_cron_daily_inspection`` inspects
    *yesterday* in each consultant's showroom day; ``inspect_day`` inspects any
    past day on a manager's demand. The inspection runs the detector of every
    active fine rule (``showroom.fine.rule``) in SQL, set-based, for a batch of
    consultants, and records each breach as a draft ``showroom.fine`` of the
    consultant's sheet, naming the record at fault.

    Idempotent and race-safe: one sheet per consultant and day, one fine per
    rule, record and day, both unique in the database and inserted with
    ``ON CONFLICT DO NOTHING``, so re-running a day or two runs at once never
    duplicate. Re-inspecting a sheet still in draft drops the draft fines whose
    breach was fixed meanwhile (and revives a dropped one found again), with a
    trace in the sheet's chatter. A confirmed sheet is not inspected again.

    The manager confirms or waives each fine (waiving needs a reason), then
    confirms the sheet, which confirms the fines still in draft. Consultants read
    their own sheets and may comment on them.
    """

    _name = "showroom.inspection"
    _description = "Daily inspection sheet"
    _inherit = ["mail.thread"]
    _order = "day desc, user_id"
    _rec_name = "user_id"
    _mail_post_access = "read"  # consultants comment on their own sheets, which they only read
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Consultant", required=True, index=True, readonly=True, ondelete="restrict"
    )
    day = fields.Date(required=True, index=True, readonly=True, help="The day inspected, in the consultant's day.")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True, ondelete="restrict")
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "To review"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    fine_ids = fields.One2many("showroom.fine", "inspection_id", string="Fines", readonly=True)
    fine_count = fields.Integer(compute="_compute_totals", string="Breaches")
    amount_draft = fields.Monetary(compute="_compute_totals", string="To review")
    amount_confirmed = fields.Monetary(compute="_compute_totals", string="Confirmed fines")
    confirmed_by_id = fields.Many2one("res.users", string="Confirmed by", readonly=True, tracking=True)
    confirmed_date = fields.Datetime(string="Confirmed on", readonly=True)
    note = fields.Text(string="Manager's note", tracking=True)

    _sql_constraints = [
        ("user_day_uniq", "UNIQUE (user_id, day)", "A consultant has one inspection sheet per day."),
    ]

    def init(self):
        # Indexes of the detectors on mail_activity (a stock table; its behaviour is
        # unchanged): follow-ups done on a day or after it (feedback_missing, no_followup,
        # the spot-check sample), and the open follow-ups of opportunities (no_followup).
        # Without them each detector reads every activity of the consultants or of the
        # opportunities (the benchmark's 2,000,000 activities).
        cr = self.env.cr
        create_index(
            cr,
            "mail_activity_showroom_done_idx",
            "mail_activity",
            ["date_done", "user_id"],
            where="date_done IS NOT NULL",
        )
        create_index(
            cr,
            "mail_activity_showroom_open_lead_idx",
            "mail_activity",
            ["res_id"],
            where="active AND res_model = 'crm.lead'",
        )

    @api.depends("fine_ids.state", "fine_ids.amount")
    def _compute_totals(self):
        for sheet in self:
            fines = sheet.fine_ids
            sheet.fine_count = len(fines.filtered(lambda f: f.state != "dropped" and not f.correction_of_id))
            sheet.amount_draft = sum(fines.filtered(lambda f: f.state == "draft").mapped("amount"))
            sheet.amount_confirmed = sum(fines.filtered(lambda f: f.state == "confirmed").mapped("amount"))

    @api.depends("user_id", "day")
    def _compute_display_name(self):
        for sheet in self:
            sheet.display_name = f"{sheet.user_id.name or ''} — {format_date(self.env, sheet.day)}"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if LOCKED_SHEET_FIELDS & set(vals) and self.filtered(lambda sheet: sheet.state == "confirmed"):
            raise UserError(_("A confirmed inspection sheet is not changed."))
        return super().write(vals)

    def _showroom_rule_refusal(self, operation):
        """R8.1, R8.2, G5: an inspection sheet is read by its consultant and the
        showroom managers. The sentence of that rule when it refuses ``self`` (a
        colleague's sheet in the user's companies), read instead of Odoo's generic
        record-rule text (``ir.rule._make_access_error``); None for another refusal."""
        user = self.env.user
        # sudo: reads only the consultant and company of the sheets already refused
        if any(sheet.user_id != user and sheet.company_id in user.company_ids for sheet in self.sudo()):
            return _("An inspection sheet is read by its consultant and the showroom managers only.")
        return None

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if self.filtered(lambda sheet: sheet.state == "confirmed"):
            raise UserError(_("A confirmed inspection sheet is not deleted."))
        if self.fine_ids.filtered(lambda fine: fine.state in ("confirmed", "waived")):
            raise UserError(_("An inspection sheet with confirmed or waived fines is not deleted."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        """The manager confirms the sheet: its fines still in draft are confirmed."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        sheets = self.filtered(lambda sheet: sheet.state == "draft")
        sheets.fine_ids.filtered(lambda fine: fine.state == "draft").action_confirm()
        sheets.write({"state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": fields.Datetime.now()})
        return True

    def action_reinspect(self):
        """Inspect the sheet's day again: fixed breaches drop off, new ones are added."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        for day, sheets in self.filtered(lambda sheet: sheet.state == "draft").grouped("day").items():
            self._showroom_inspect(day, sheets.user_id)
        return True

    @api.model
    def inspect_day(self, day, user_ids=None):
        """Inspect the past ``day`` for the users ``user_ids`` (default: the
        consultants of the user's companies), on a manager's demand (the wizard,
        RPC). Returns the sheets."""
        self.env["res.users"]._showroom_check_manager(_("Only showroom managers inspect, confirm and correct fines."))
        day = fields.Date.to_date(day)
        if user_ids is None:
            users = self._showroom_consultants(self.env.companies)
        else:
            users = self.env["res.users"].browse(user_ids)
        # a past day is past for the consultants inspected, in their own day: the
        # caller's time zone and company do not count (a manager in another company,
        # the superuser loading demo data)
        today_by_user = self.env["res.company"]._showroom_today_by_user(users)
        still_today = users.filtered(lambda user: today_by_user[user.id] <= day)
        if still_today:
            raise UserError(
                _(
                    "Only a past day can be inspected: %(day)s is not over yet for %(users)s, who may still "
                    "work on it.",
                    day=format_date(self.env, day),
                    users=format_list(self.env, still_today.sudo().mapped("name")),
                )
            )
        for batch in split_every(self._showroom_batch_size(), users.ids):
            self._showroom_inspect(day, self.env["res.users"].browse(batch))
        return self.search([("day", "=", day), ("user_id", "in", users.ids)])

    # ------------------------------------------------------------
    # CRONS
    # ------------------------------------------------------------

    @api.model
    def _cron_daily_inspection(self, batch_size=None):
        """Inspect yesterday, in each consultant's showroom day (a cron has no
        time zone in its context), by batches of consultants; progress is
        reported and, run as a cron job, committed after each batch. A batch that
        fails is logged and the next one goes on."""
        batch_size = batch_size or self._showroom_batch_size()
        users = self._showroom_consultants(self.env["res.company"].sudo().search([]))
        by_day = defaultdict(list)
        for user_id, today in self.env["res.company"]._showroom_today_by_user(users).items():
            by_day[today - timedelta(days=1)].append(user_id)
        done, remaining = 0, len(users)
        for day, user_ids in sorted(by_day.items()):
            for batch in split_every(batch_size, user_ids):
                try:
                    with self.env.cr.savepoint():
                        self._showroom_inspect(day, self.env["res.users"].browse(batch))
                except Exception:  # noqa: BLE001 - one bad batch must not stop the inspection
                    _logger.exception("Daily inspection of %s failed for the users %s", day, batch)
                done += len(batch)
                remaining -= len(batch)
                self.env["ir.cron"]._showroom_batch_done(done, remaining)
                self.env.invalidate_all()
        return done

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _showroom_batch_size(self):
        """Consultants per batch: each batch reads the opportunities and follow-ups once
        per rule, so a showroom group's whole staff fits in one or two batches."""
        return 200

    @api.model
    def _showroom_consultants(self, companies):
        """The users inspected: the internal users of ``companies`` in the consultant
        group (managers included) or the telemarketing group (their queue calls, R6.1)."""
        group = self.env.ref("crm_showroom.group_showroom_consultant") | self.env.ref(
            "crm_showroom.group_showroom_telemarketing"
        )
        # sudo: colleagues are listed to be inspected, not shown
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [("groups_id", "in", group.ids), ("share", "=", False), ("company_id", "in", companies.ids)], order="id"
            )
            .with_env(self.env)
        )

    @api.model
    def _showroom_sheets(self, day, users):
        """The sheets of ``users`` for ``day``, created when missing (race-safe:
        ``ON CONFLICT DO NOTHING`` on the unique consultant and day)."""
        users = users.sudo()
        self.env.flush_all()
        self.env.cr.execute(
            """
            INSERT INTO showroom_inspection (user_id, day, company_id, state,
                                             create_uid, create_date, write_uid, write_date)
            SELECT u.id, %(day)s, u.company_id, 'draft',
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM res_users u
             WHERE u.id = ANY(%(users)s)
            ON CONFLICT DO NOTHING
            """,
            {"day": day, "users": users.ids, "uid": self.env.uid},
        )
        self.env.cr.execute("SELECT id FROM showroom_inspection WHERE day = %s AND user_id = ANY(%s)", [day, users.ids])
        self.invalidate_model()
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _showroom_inspect(self, day, users):
        """Inspect ``day`` for ``users``: one sheet each, a draft fine per breach
        found by the rules of the consultant's company, fixed breaches of draft
        sheets dropped. A bounded number of queries whatever the number of
        consultants and records (one per rule kind, plus the inserts and
        updates), and one chatter message per sheet whose fines dropped off."""
        sheets = self._showroom_sheets(day, users).sudo()  # sudo: the cron's user, any company
        sheets = sheets.filtered(lambda sheet: sheet.state == "draft")
        if not sheets:
            return sheets
        rules_by_company = self.env["showroom.fine.rule"]._showroom_rules_by_company(sheets.company_id)
        scope = []
        for sheet in sheets:
            tz_name = sheet.company_id._showroom_tz_name(sheet.user_id)
            start, end = day_bounds_utc(day, tz_name)
            scope.append((sheet.user_id.id, sheet.company_id.id, start, end))
        scope_sql = """
            WITH scope AS (
                SELECT s.user_id, s.company_id, %(day)s::date AS day, s.day_start, s.day_end
                  FROM unnest(%(users)s::int[], %(companies)s::int[], %(starts)s::timestamp[], %(ends)s::timestamp[])
                       AS s(user_id, company_id, day_start, day_end)
            )
        """
        cr = self.env.cr
        by_kind = defaultdict(lambda: defaultdict(list))  # {kind: {rule: [company ids]}}
        for company_id, rules in rules_by_company.items():
            for kind, rule in rules.items():
                by_kind[kind][rule].append(company_id)
        detected_rules = self.env["showroom.fine.rule"]
        breaches = []
        for rules in by_kind.values():
            for rule, company_ids in rules.items():
                query = rule._showroom_detector_query()
                if not query:
                    continue
                detected_rules |= rule
                # the consultants of the rule's companies, filtered here: a filter in the
                # query would hide the scope's size from the planner (it then picks nested
                # loops); a plain SELECT, which PostgreSQL runs in parallel (not INSERT ... SELECT)
                rows = [row for row in scope if row[1] in company_ids]
                cr.execute(
                    f"{scope_sql} {query}",
                    {
                        "day": day,
                        "users": [row[0] for row in rows],
                        "companies": [row[1] for row in rows],
                        "starts": [row[2] for row in rows],
                        "ends": [row[3] for row in rows],
                    },
                )
                breaches += [(rule.id, *row) for row in cr.fetchall()]
        # after the detectors: PostgreSQL runs no parallel plan once the transaction has a temp table
        cr.execute(
            """
            DROP TABLE IF EXISTS showroom_breach;
            CREATE TEMP TABLE showroom_breach (rule_id int, user_id int, day date, res_model varchar, res_id int)
                ON COMMIT DROP
            """
        )
        cr.execute(
            """
            INSERT INTO showroom_breach
            SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::varchar[], %s::int[])
            """,
            [list(column) for column in zip(*breaches, strict=True)] if breaches else [[], [], [], [], []],
        )
        cr.execute("ANALYZE showroom_breach")
        cr.execute(
            """
            INSERT INTO showroom_fine (inspection_id, rule_id, user_id, company_id, currency_id, amount, day,
                                       res_model, res_id, state, create_uid, create_date, write_uid, write_date)
            SELECT i.id, r.id, i.user_id, i.company_id, c.currency_id, r.amount, b.day, b.res_model, b.res_id,
                   'draft', %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM showroom_breach b
              JOIN showroom_inspection i ON i.user_id = b.user_id AND i.day = b.day AND i.state = 'draft'
              JOIN showroom_fine_rule r ON r.id = b.rule_id
              JOIN res_company c ON c.id = i.company_id
            ON CONFLICT DO NOTHING
            """,
            {"uid": self.env.uid},
        )
        created = cr.rowcount
        cr.execute(
            """
            UPDATE showroom_fine f
               SET state = CASE WHEN f.state = 'draft' THEN 'dropped' ELSE 'draft' END,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
             WHERE f.inspection_id = ANY(%(sheets)s)
               AND f.correction_of_id IS NULL
               AND f.res_model <> 'showroom.spot.check'
               AND ((f.state = 'draft' AND NOT EXISTS (
                        SELECT 1 FROM showroom_breach b
                         WHERE b.rule_id = f.rule_id AND b.res_model = f.res_model AND b.res_id = f.res_id
                           AND b.day = f.day))
                 OR (f.state = 'dropped' AND f.rule_id = ANY(%(rules)s) AND EXISTS (
                        SELECT 1 FROM showroom_breach b
                         WHERE b.rule_id = f.rule_id AND b.res_model = f.res_model AND b.res_id = f.res_id
                           AND b.day = f.day)))
            RETURNING f.id
            """,
            {"uid": self.env.uid, "sheets": sheets.ids, "rules": detected_rules.ids},
        )
        changed = self.env["showroom.fine"].browse([row[0] for row in cr.fetchall()])
        cr.execute("DROP TABLE showroom_breach")
        self.env.invalidate_all()
        if changed:
            sheets._showroom_log_reinspection(changed.sudo())
        _logger.info("Inspection of %s: %s sheets, %s new fines, %s changed", day, len(sheets), created, len(changed))
        return sheets

    def _showroom_log_reinspection(self, fines):
        """The trace of a re-inspection in each sheet's chatter: the fines that
        dropped off (breach fixed, or rule deactivated) and those found again."""
        for sheet, sheet_fines in fines.grouped("inspection_id").items():
            items = Markup("").join(
                Markup("<li>%s</li>")
                % (
                    self.env._("Dropped, the breach was fixed: %(fine)s", fine=fine.display_name)
                    if fine.state == "dropped"
                    else self.env._("Found again: %(fine)s", fine=fine.display_name)
                )
                for fine in sheet_fines
            )
            sheet.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (_("Re-inspection of the day:"), items),
                subtype_xmlid="mail.mt_note",
            )
