import logging
from ast import literal_eval
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.care_calendar import keys_on

_logger = logging.getLogger(__name__)

OCCASIONS = [
    ("spring_festival", "Spring Festival"),
    ("lantern", "Lantern Festival"),
    ("qingming", "Qingming Festival"),
    ("dragon_boat", "Dragon Boat Festival"),
    ("mid_autumn", "Mid-Autumn Festival"),
    ("national_day", "National Day"),
    ("new_year", "New Year's Day"),
    ("birthday", "Customer's birthday"),
    ("anniversary", "Purchase anniversary"),
    ("launch", "New model launch"),
    ("custom", "Other"),
]
# occasions without a date of their own: each customer's own day, every day
RECURRING_OCCASIONS = ("birthday", "anniversary")


class ShowroomCareDay(models.Model):
    """R6.2: customer service sends the base customers (past buyers, R6) a care SMS
    on holidays, new-model launch days and other special days.

    A care day is an occasion on a date (the holidays are computed by the "Generate
    year" wizard, ``showroom.care.year``), an SMS template on the customer
    (``res.partner``) and an audience: the company's base customers, narrowed by a
    domain a manager edits (model, county, grade…). Birthdays and purchase
    anniversaries have no date: every day, they greet the customers whose own day
    it is (lunar birthdays included, see ``tools/care_calendar.py``).

    The daily cron ``crm_showroom.ir_cron_care_sms`` sends on the day — the
    company's showroom day, never UTC nor the context's time zone — through
    Odoo's own SMS queue (``sms.composer`` in mass mode, which also cancels
    blacklisted and invalid numbers). Each customer gets a care day's SMS at most
    once a day: the log ``showroom.care.sms`` is inserted first under a unique
    constraint, so repeated or concurrent runs cannot send twice. Customers whose
    number is blacklisted (``phone.blacklist``) or who opted out of care SMS
    (``res.partner.showroom_care_sms_optout``) are left out."""

    _name = "showroom.care.day"
    _description = "Care Day"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    occasion = fields.Selection(OCCASIONS, required=True, default="custom")
    date = fields.Date(
        help="The day the care SMS is sent, in the showroom's day. Empty for birthdays and purchase "
        "anniversaries: each customer is greeted on their own day, every year.",
    )
    is_recurring = fields.Boolean(
        string="Customer's own day",
        compute="_compute_is_recurring",
        help="Birthdays and purchase anniversaries greet each customer on their own day.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS template",
        required=True,
        ondelete="restrict",
        domain=[("model", "=", "res.partner")],
        help="The message, rendered for each customer (placeholders such as the customer's name and the "
        "model of their car).",
    )
    audience_domain = fields.Char(
        string="Audience",
        default="[]",
        help="Which base customers receive it (for instance by car model, county or the grade of their "
        "last opportunity). Always only base customers of the company with a valid, not blacklisted "
        "mobile who did not opt out of care SMS.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    care_sms_ids = fields.One2many("showroom.care.sms", "care_day_id", string="Care SMS")
    care_sms_count = fields.Integer(string="SMS sent", compute="_compute_care_sms_count")

    _sql_constraints = [
        (
            "occasion_date_company_uniq",
            "unique(occasion, date, company_id)",
            "This company already has a care day for this occasion on this date.",
        ),
    ]

    # ------------------------------------------------------------
    # CONSTRAINTS AND COMPUTE
    # ------------------------------------------------------------

    @api.depends("occasion")
    def _compute_is_recurring(self):
        for care_day in self:
            care_day.is_recurring = care_day.occasion in RECURRING_OCCASIONS

    def _compute_care_sms_count(self):
        counts = dict(
            self.env["showroom.care.sms"]._read_group([("care_day_id", "in", self.ids)], ["care_day_id"], ["__count"])
        )
        for care_day in self:
            care_day.care_sms_count = counts.get(care_day, 0)

    @api.constrains("occasion", "date")
    def _check_date(self):
        for care_day in self:
            if care_day.occasion in RECURRING_OCCASIONS and care_day.date:
                raise ValidationError(
                    _(
                        "A birthday or purchase anniversary care day has no date: it greets each customer on their "
                        "own day."
                    )
                )
            if care_day.occasion not in RECURRING_OCCASIONS and not care_day.date:
                raise ValidationError(_("The care day %s needs a date.", care_day.name))

    @api.constrains("sms_template_id")
    def _check_sms_template(self):
        for care_day in self:
            if care_day.sms_template_id.model != "res.partner":
                raise ValidationError(_("The SMS template of a care day must be a template on contacts."))

    @api.constrains("audience_domain")
    def _check_audience_domain(self):
        for care_day in self:
            try:
                # savepoint: a filter PostgreSQL rejects must not break the transaction
                with self.env.cr.savepoint(flush=False):
                    self.env["res.partner"].sudo().search_count(care_day._showroom_parsed_audience(), limit=1)
            except Exception as error:  # noqa: BLE001 - any parse or field error is bad input
                raise ValidationError(
                    _(
                        "The audience of the care day %(name)s is not a valid filter: %(error)s",
                        name=care_day.name,
                        error=error,
                    )
                ) from error

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_showroom_preview(self):
        self.ensure_one()
        return {
            "name": _("Preview"),
            "type": "ir.actions.act_window",
            "res_model": "showroom.care.day.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_care_day_id": self.id},
        }

    def action_showroom_view_care_sms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.showroom_care_sms_action")
        action["domain"] = [("care_day_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _showroom_parsed_audience(self):
        self.ensure_one()
        domain = literal_eval(self.audience_domain or "[]")
        if not isinstance(domain, list | tuple):
            raise ValueError(_("a filter is a list of conditions"))
        return list(domain)

    def _showroom_audience_domain(self, day):
        """The customers who receive this care day's SMS on ``day``: base customers
        of the company (a delivered vehicle of theirs), in the manager's audience,
        with a valid mobile or phone not on the blacklist and not opted out; for a
        birthday, those celebrating on ``day``; for an anniversary, those who took
        delivery on this month and day of an earlier year."""
        self.ensure_one()
        domain = [
            ("is_base_customer", "=", True),
            ("showroom_vehicle_ids", "any", [("state", "=", "delivered"), ("company_id", "=", self.company_id.id)]),
            ("company_id", "in", [False, self.company_id.id]),
            ("showroom_care_sms_optout", "=", False),
            ("phone_sanitized", "!=", False),
            ("phone_sanitized_blacklisted", "=", False),
            *self._showroom_parsed_audience(),
        ]
        if self.occasion == "birthday":
            domain.append(("showroom_birthday_key", "in", sorted(keys_on(day))))
        elif self.occasion == "anniversary":
            domain.append(("id", "in", self._showroom_anniversary_partner_ids(day)))
        return domain

    def _showroom_anniversary_partner_ids(self, day):
        """Owners of a vehicle of the company delivered on ``day``'s month and day
        in an earlier year (29 February counts on 28 February in common years), in
        one query."""
        solar_keys = [key for key in keys_on(day) if key.startswith("S:")]
        self.env["showroom.vehicle"].flush_model(["company_id", "delivery_date", "partner_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT partner_id FROM showroom_vehicle
                    WHERE state = 'delivered' AND partner_id IS NOT NULL AND company_id = %s
                      AND delivery_date < %s AND 'S:' || to_char(delivery_date, 'MM-DD') = ANY(%s)""",
                self.company_id.id,
                day.replace(month=1, day=1),
                solar_keys,
            )
        )
        return [partner_id for (partner_id,) in rows]

    def _showroom_recipients(self, day, limit=None):
        """The customers still to greet on ``day`` (no care SMS of this care day
        logged for them that day), in id order."""
        self.ensure_one()
        # sudo: the audience is the company's base customers whatever the caller's
        # own partner rules; only the count and one rendered sample reach a user
        return self.env["res.partner"].sudo().search(self._showroom_pending_domain(day), order="id", limit=limit)

    def _showroom_pending_domain(self, day):
        return self._showroom_audience_domain(day) + [
            ("showroom_care_sms_ids", "not any", [("care_day_id", "=", self.id), ("date", "=", day)]),
        ]

    def _showroom_send(self, day, batch_size=1000):
        """Queue this care day's SMS of ``day`` to its audience in batches of
        ``batch_size`` customers, reporting progress and, run as a cron job,
        committing after each batch (``ir.cron._showroom_batch_done``). Returns the number of SMS queued.

        Each batch first inserts its log lines (``showroom.care.sms``, unique per
        customer, care day and day) and sends only to the customers whose line it
        inserted: a customer already greeted, or being greeted by a concurrent run,
        is skipped. When a concurrent run has greeted customers this run's snapshot
        does not see, PostgreSQL skips those lines or refuses the insert
        (serialization failure): then this run stops and leaves the care day to the
        other one. A batch that fails otherwise is logged and skipped."""
        self.ensure_one()
        Partner = self.env["res.partner"].sudo()
        domain = self._showroom_pending_domain(day)
        remaining = Partner.search_count(domain)
        queued = last_id = 0
        while True:
            partners = Partner.search(domain + [("id", ">", last_id)], order="id", limit=batch_size)
            if not partners:
                break
            last_id = partners[-1].id
            try:
                with self.env.cr.savepoint():
                    queued += self._showroom_queue_batch(partners, day)
            except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
                _logger.info("Care SMS %s of %s: another run is sending it, this run stops", self.id, day)
                break
            except Exception:
                _logger.exception("Care SMS %s of %s: a batch of %s customers failed", self.id, day, len(partners))
            remaining = max(remaining - len(partners), 0)
            self.env["ir.cron"]._showroom_batch_done(queued, remaining)
        return queued

    def _showroom_queue_batch(self, partners, day):
        """Claim ``partners`` for this care day on ``day`` (insert-first, see
        ``_showroom_send``) and queue the SMS of those claimed through Odoo's SMS
        composer in mass mode; returns how many SMS were queued (not cancelled)."""
        # Plain INSERT … ON CONFLICT DO NOTHING: the unique constraint decides who
        # sends, without an error aborting the batch (the ORM's create cannot skip).
        now = fields.Datetime.now()
        # log_exceptions: a serialization failure here is the expected outcome of a
        # concurrent run (see _showroom_send), not a bad query
        self.env.cr.execute(
            SQL(
                """INSERT INTO showroom_care_sms (partner_id, care_day_id, company_id, date, state,
                                                create_uid, create_date, write_uid, write_date)
                   SELECT partner_id, %(care_day)s, %(company)s, %(day)s, 'queued', %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(partners)s::int[]) AS partner_id
                   ON CONFLICT (partner_id, care_day_id, date) DO NOTHING
                   RETURNING partner_id, id""",
                care_day=self.id,
                company=self.company_id.id,
                day=day,
                uid=self.env.uid,
                now=now,
                partners=partners.ids,
            ),
            log_exceptions=False,
        )
        log_by_partner = dict(self.env.cr.fetchall())
        claimed = partners.filtered(lambda partner: partner.id in log_by_partner)
        if not claimed:
            return 0
        sms_all = claimed._message_sms_schedule_mass(template=self.sms_template_id, mass_keep_log=False)
        # one UPDATE for the batch: the SMS, its status and a copy of its text
        # (Odoo deletes sent SMS)
        lines = [
            (
                log_by_partner[partner.id],
                sms.id,
                "queued" if sms.state == "outgoing" else "canceled",
                sms.failure_type or None,
                sms.body,
                sms.number,
            )
            for partner, sms in zip(claimed, sms_all, strict=True)
        ]
        self.env.execute_query(
            SQL(
                """UPDATE showroom_care_sms care_log
                      SET sms_id = line.sms_id, state = line.state, failure_type = line.failure_type,
                          body = line.body, number = line.number
                     FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::text[], %s::varchar[])
                          AS line(log_id, sms_id, state, failure_type, body, number)
                    WHERE care_log.id = line.log_id""",
                *(list(column) for column in zip(*lines, strict=True)),
            )
        )
        self.env["showroom.care.sms"].invalidate_model()
        return sum(1 for line in lines if line[2] == "queued")

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_showroom_care_sms(self, batch_size=1000):
        """R6.2: send today's care SMS. "Today" is each company's showroom day
        (``res.company._showroom_today``): a cron has no time zone in its context
        and UTC is not the showroom's day. Odoo's SMS queue is then asked to send."""
        utc_today = fields.Date.today()
        care_days = self.search(
            [
                "|",
                ("occasion", "in", RECURRING_OCCASIONS),
                "&",
                ("date", ">=", utc_today - timedelta(days=1)),
                ("date", "<=", utc_today + timedelta(days=1)),
            ],
            order="company_id, id",
        )
        queued = 0
        for company, company_care_days in care_days.grouped("company_id").items():
            today = company._showroom_today()
            for care_day in company_care_days:
                if care_day.is_recurring or care_day.date == today:
                    queued += care_day._showroom_send(today, batch_size=batch_size)
        if queued:
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        _logger.info("Care SMS: %s SMS queued", queued)
        return queued
