from collections import defaultdict
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, Query

# Key, in the transaction's server-side data (never in a context a client could
# send), of the records being merged into another one (``_showroom_merging``):
# their follow-ups move to the record kept, so they are not left without one.
MERGED_KEY = "crm_showroom.followup_records_merged_away"

FOLLOWUP_STATES = [
    ("none", "No follow-up"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("planned", "Planned"),
]


class ShowroomFollowupMixin(models.AbstractModel):
    """The follow-up rule of the rule book (R3, R4.1-R4.3), in one place, for the
    models whose records carry showroom follow-ups (activities whose type is
    flagged ``is_showroom_followup``): opportunities (``crm.lead``), sold vehicles
    (``showroom.vehicle``) and base-customer queue calls
    (``showroom.milestone.call``). Modelled on ``mail.activity.mixin``, which the
    models inherit beside it (``crm.lead`` has it from ``crm`` already: inheriting
    it here too would make the class hierarchy inconsistent); ``mail.activity``
    keeps only the guards at its own doors.

    * Governed follow-ups (R4.1, R4.3): the follow-ups of the records of
      ``_showroom_governed_domain`` of each model inheriting this mixin (an
      opportunity of a showroom team; every vehicle; every queue call). One
      definition: ``_showroom_governed_followups`` applies it in Python, and
      ``_showroom_governed_followup_sql`` builds from the same domains the SQL
      condition of every detector of the daily inspection and of the spot-check
      sample. Follow-up activities elsewhere (a plain team's leads) are stock
      activities.
    * Open follow-ups: ``_showroom_open_followup_domain`` and its SQL twin.
    * States, in each assignee's showroom day (R4.2; unassigned: the company's):
      per follow-up, ``_showroom_followup_states`` (overdue, today, planned, done,
      or the reason it was closed); per record, ``showroom_followup_state`` with its
      search, the next date, the open count and the due flag. A record counts the
      follow-ups of its ``_showroom_followup_children`` too (a vehicle: its queue
      calls). The state shows on the records of ``_showroom_followup_watched_domain``;
      where ``_showroom_followup_required`` (R4.1: an open showroom opportunity
      always has an open follow-up) a watched record without one is "No follow-up".
    * Their life with the record: scheduled (``_showroom_schedule_followups``),
      closed without execution when the record is won, lost or returned
      (``_showroom_close_followups``), pulled in when the record's longest interval
      shrinks (``_showroom_pull_in_followups``, R3: a grade change), and reassigned
      with the record when its ``user_id`` changes (G1 handover).
    * Whose breach a late follow-up is: the fine rule kind ``_showroom_late_rule``
      (a consultant's ``followup_late``; a telemarketing user's ``call_late``).
    """

    _name = "showroom.followup.mixin"
    _description = "Showroom follow-ups"

    # One2many fields to records whose follow-ups count as this record's too.
    _showroom_followup_children = ()
    # R4.1: a watched record always has an open follow-up ("No follow-up" otherwise).
    _showroom_followup_required = False
    # The fine rule kind under which a follow-up of this model not done on its day is a breach.
    _showroom_late_rule = "followup_late"

    showroom_followup_state = fields.Selection(
        FOLLOWUP_STATES,
        string="Follow-up",
        compute="_compute_showroom_followup",
        search="_search_showroom_followup_state",
        help="The most urgent open follow-up, in its assignee's day.",
    )
    showroom_next_followup_date = fields.Date(
        string="Next follow-up",
        compute="_compute_showroom_followup",
        search="_search_showroom_next_followup_date",
    )
    showroom_open_followup_count = fields.Integer(string="Open follow-ups", compute="_compute_showroom_followup")
    showroom_followup_due = fields.Selection(
        [("overdue", "Overdue"), ("today", "Due today")],
        string="Follow-up due",
        compute="_compute_showroom_followup",
        search="_search_showroom_followup_due",
        help="An open follow-up is overdue or due today, in its assignee's day.",
    )

    # ------------------------------------------------------------
    # HOOKS
    # ------------------------------------------------------------

    @api.model
    def _showroom_governed_domain(self):
        """The records whose follow-ups the rule book governs (R4.1, R4.3). Default: all."""
        return []

    @api.model
    def _showroom_followup_watched_domain(self):
        """The records whose follow-up state is shown. Default: all."""
        return []

    def _showroom_followup_user(self):
        """Who gets this record's follow-ups."""
        self.ensure_one()
        return self.user_id or self.env.user

    def _showroom_followup_keeper(self):
        """Who keeps this record's open follow-ups while it has no ``user_id``;
        empty (default): they stay with their assignees."""
        self.ensure_one()
        return self.env["res.users"]

    def _showroom_latest_followup_deadline(self, today):
        """R3: the latest deadline an open follow-up of this record may have, from
        ``today`` (its assignee's); ``None``: no limit."""
        self.ensure_one()
        return None

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    def _showroom_followup_depends(self):
        if "activity_ids" not in self._fields:  # the abstract mixin itself
            return []
        fnames = ["activity_ids.date_deadline", "activity_ids.activity_type_id", "activity_ids.user_id"]
        fnames += [f"{child}.{fname}" for child in self._showroom_followup_children for fname in fnames]
        return fnames

    @api.depends(lambda self: self._showroom_followup_depends())
    def _compute_showroom_followup(self):
        open_by_record = self._showroom_open_followups_by_record()
        states = self._showroom_followup_states(self.env["mail.activity"].sudo().concat(*open_by_record.values()))
        watched_domain = self._showroom_followup_watched_domain()
        watched = self.filtered_domain(watched_domain) if watched_domain else self
        for record in self:
            followups = open_by_record[record]
            record_states = {states[followup] for followup in followups}
            record.showroom_open_followup_count = len(followups)
            record.showroom_next_followup_date = min(followups.mapped("date_deadline"), default=False)
            record.showroom_followup_due = next((s for s in ("overdue", "today") if s in record_states), False)
            if record not in watched:
                record.showroom_followup_state = False
            else:
                record.showroom_followup_state = next(
                    (s for s in ("overdue", "today", "planned") if s in record_states),
                    "none" if self._showroom_followup_required else False,
                )

    def _search_showroom_followup_state(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(_("Unsupported search on the follow-up state."))
        states = [value] if operator == "=" else list(value)
        if set(states) - {"none", "overdue", "today", "planned"}:
            raise NotImplementedError(_("Unsupported search on the follow-up state."))
        domains = []
        for state in states:
            if state == "none":
                if not self._showroom_followup_required:
                    continue
                has_one = self._showroom_followup_any(self._showroom_open_followup_domain())
                domains.append(["!", *expression.normalize_domain(has_one)])
            else:
                compare = {"overdue": "<", "today": "=", "planned": ">"}[state]
                domains.append(self._showroom_followup_any(self._showroom_due_domain(compare)))
        if not domains:
            return expression.FALSE_DOMAIN
        return expression.AND([self._showroom_followup_watched_domain(), expression.OR(domains)])

    def _search_showroom_next_followup_date(self, operator, value):
        return self._showroom_followup_any(
            [*self._showroom_open_followup_domain(), ("date_deadline", operator, value)]
        )

    def _search_showroom_followup_due(self, operator, value):
        if operator != "=" or value not in ("overdue", "today"):
            raise NotImplementedError(_("Unsupported search on the follow-ups due."))
        return self._showroom_followup_any(self._showroom_due_domain("<" if value == "overdue" else "="))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals:
            self._showroom_reassign_followups()
        return result

    # ------------------------------------------------------------
    # WHICH FOLLOW-UPS THE RULE GOVERNS (R4.1, R4.3)
    # ------------------------------------------------------------

    @api.model
    def _showroom_governed_models(self):
        """The models inheriting this mixin."""
        names = self.env.registry.descendants(["showroom.followup.mixin"], "_inherit")
        return [name for name in names if not self.env[name]._abstract]

    @api.model
    def _showroom_governed_followups(self, activities):
        """The governed follow-ups among ``activities`` (see the class docstring):
        one query per model, whatever the number of activities."""
        governed_models = self._showroom_governed_models()
        followups = activities.filtered(lambda act: act.activity_type_id.is_showroom_followup)
        governed_ids = set()
        for name, group in followups.grouped("res_model").items():
            if name not in governed_models:
                continue
            # sudo: only which records are governed is read, to classify activities the user reads
            Model = self.env[name].sudo().with_context(active_test=False)
            record_domain = Model._showroom_governed_domain()
            if record_domain:
                record_ids = set(Model.search([("id", "in", group.mapped("res_id")), *record_domain]).ids)
                group = group.filtered(lambda act, record_ids=record_ids: act.res_id in record_ids)
            governed_ids.update(group.ids)
        return followups.filtered(lambda act: act.id in governed_ids)

    @api.model
    def _showroom_governed_followup_sql(self, alias="a", model_names=None):
        """The governed follow-ups in SQL — of the models ``model_names`` (default:
        all), built from the same ``_showroom_governed_domain`` of each model as
        ``_showroom_governed_followups`` — for a query on the ``mail_activity``
        table aliased ``alias``: the tail of its FROM clause, a ``LEFT JOIN`` of
        each model whose records are selected, then ``WHERE`` and the condition (a
        caller's own conditions follow with ``AND``). Joined by the activity's
        ``res_id`` rather than listed (``IN``): a detector reads a few thousand
        activities of the day, not the 200,000 opportunities of the showroom, and
        stays a parallel plan."""
        joins, branches = [], []
        for name in model_names if model_names is not None else self._showroom_governed_models():
            Model = self.env[name]
            branch = self.env.cr.mogrify(f'"{alias}"."res_model" = %s', [name]).decode().replace("%", "%%")
            record_domain = Model._showroom_governed_domain()
            if record_domain:
                record_alias = f"{alias}_{Model._table}"
                joins.append(
                    f'LEFT JOIN "{Model._table}" AS "{record_alias}" '
                    f'ON {branch} AND "{record_alias}"."id" = "{alias}"."res_id"'
                )
                branch = f"{branch} AND {self._showroom_where_sql(name, record_domain, record_alias)}"
            branches.append(f"({branch})")
        followup = self._showroom_where_sql("mail.activity", self._showroom_followup_domain(), alias)
        return f"{' '.join(joins)} WHERE {followup} AND ({' OR '.join(branches) or 'FALSE'})"

    @api.model
    def _showroom_followup_domain(self):
        """Showroom follow-ups (open or done), as a domain on ``mail.activity``."""
        return [("activity_type_id.is_showroom_followup", "=", True)]

    @api.model
    def _showroom_open_followup_domain(self):
        """Open showroom follow-ups, as a domain on ``mail.activity``. ``active`` is
        explicit: callers may run with active_test=False (the history's context)."""
        return [*self._showroom_followup_domain(), ("active", "=", True)]

    @api.model
    def _showroom_open_followup_sql(self, alias="a"):
        """``_showroom_open_followup_domain`` in SQL, on the alias ``alias``."""
        return self._showroom_where_sql("mail.activity", self._showroom_open_followup_domain(), alias)

    @api.model
    def _showroom_late_rule_models(self, kind):
        """The governed models whose late follow-ups are breaches of the fine rule kind ``kind``."""
        return [name for name in self._showroom_governed_models() if self.env[name]._showroom_late_rule == kind]

    @api.model
    def _showroom_where_sql(self, model_name, domain, alias):
        """``domain`` (on ``model_name``) as an SQL condition on that model's table
        aliased ``alias``, its values inlined, for the set-based detectors' text.
        ``%`` is doubled: the detectors run with named parameters."""
        if not domain:
            return "TRUE"
        # sudo: a condition is built, nothing is read; the detectors run as the system
        Model = self.env[model_name].sudo().with_context(active_test=False)
        query = Query(self.env, alias, SQL.identifier(Model._table))
        condition = expression.expression(domain, Model, alias=alias, query=query).query.where_clause
        return self.env.cr.mogrify(condition.code, condition.params).decode().replace("%", "%%")

    # ------------------------------------------------------------
    # STATES (R4.2)
    # ------------------------------------------------------------

    @api.model
    def _showroom_followup_states(self, activities):
        """``{activity: state}``: open ones "overdue", "today" or "planned" in their
        assignee's showroom day (unassigned: the company's); done ones "done", or the
        reason they were closed without execution (``showroom_closed_reason``: won,
        lost, returned, claimed)."""
        today_by_user = self.env["res.company"]._showroom_today_by_user(activities.user_id)
        company_today = self.env.company._showroom_today()
        states = {}
        for activity in activities:
            if not activity.active:
                states[activity] = activity.showroom_closed_reason or "done"
                continue
            delta = (activity.date_deadline - (today_by_user.get(activity.user_id.id) or company_today)).days
            states[activity] = "overdue" if delta < 0 else "today" if delta == 0 else "planned"
        return states

    @api.model
    def _showroom_due_domain(self, operator):
        """Open showroom follow-ups whose deadline compares with ``operator`` to
        their assignee's today (R4.2, as ``_showroom_followup_states``)."""
        # sudo: only the time zones and companies of colleagues are read
        users = self.env["res.users"].sudo().with_context(active_test=False).search([("share", "=", False)])
        user_ids_by_day = defaultdict(list)
        for user_id, day in self.env["res.company"]._showroom_today_by_user(users).items():
            user_ids_by_day[day].append(user_id)
        by_day = [
            [("user_id", "in", user_ids), ("date_deadline", operator, day)] for day, user_ids in user_ids_by_day.items()
        ]
        company_today = self.env.company._showroom_today()
        by_day.append([("user_id", "not in", users.ids), ("date_deadline", operator, company_today)])
        return expression.AND([self._showroom_open_followup_domain(), expression.OR(by_day)])

    def _showroom_followup_any(self, activity_domain):
        """The records of this model with a follow-up of ``activity_domain``, their
        ``_showroom_followup_children``'s included."""
        domains = [[("activity_ids", "any", activity_domain)]]
        for child in self._showroom_followup_children:
            field = self._fields[child]
            # sudo: the children are searched for their follow-ups only (a consultant
            # reads the car, not its telemarketing calls); the ids of the parents come back
            Child = self.env[field.comodel_name].sudo().with_context(active_test=False)
            parents = Child._search([("activity_ids", "any", activity_domain)])
            domains.append([("id", "in", parents.subselect(SQL.identifier(Child._table, field.inverse_name)))])
        return expression.OR(domains)

    def _showroom_open_followups_by_record(self):
        """``{record: open follow-ups}``, the children's included, read in sudo: the
        state, dates and count of the follow-ups of records the user reads are shown,
        nothing else (a consultant does not read a car's telemarketing calls)."""
        result = {}
        for record in self:
            followups = record.sudo().activity_ids
            for child in self._showroom_followup_children:
                followups |= record.sudo()[child].activity_ids
            result[record] = followups.filtered(lambda act: act.active and act.activity_type_id.is_showroom_followup)
        return result

    # ------------------------------------------------------------
    # LIFE WITH THE RECORD
    # ------------------------------------------------------------

    def _showroom_open_followups(self):
        """The open showroom follow-ups of these records (their own)."""
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                *self._showroom_open_followup_domain(),
            ]
        )

    def _showroom_schedule_followups(self, activity_type, deadlines, summaries, users=None):
        """One open follow-up of ``activity_type`` on each of these records, due on
        ``deadlines[record id]``, for ``users[record id]`` (default: the record's
        ``_showroom_followup_user``), summarised ``summaries[record id]``; in one
        create, without notification mail (the follow-up shows in the assignee's
        activities), as automated activities."""
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "activity_type_id": activity_type.id,
                "res_model_id": model_id,
                "res_id": record.id,
                "user_id": (users[record.id] if users else record._showroom_followup_user()).id,
                "date_deadline": deadlines[record.id],
                "summary": summaries[record.id],
                "note": activity_type.default_note,
                "automated": True,
            }
            for record in self
        ]
        return self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)

    def _showroom_close_followups(self, reason):
        """The record is won, lost or returned (``reason``): its open follow-ups are
        closed without execution; they stay in the history and are no breach."""
        # sudo: closing belongs to the record's own state change, which the user is
        # allowed to make; only these records' open follow-ups are touched
        followups = self.sudo()._showroom_open_followups()
        if followups:
            followups.write({"active": False, "showroom_closed_reason": reason})

    def _showroom_reassign_followups(self):
        """G1 handover: the open follow-ups move with the record to its new
        ``user_id``: one search, then one set-based reassignment per new user
        (``mail.activity._showroom_reassign``), whatever the number of records. A
        record left without one (G4: an opportunity returned to the pool) gives them
        to its ``_showroom_followup_keeper``, if it has one (R4.1: they stay open)."""
        user_by_id = {record.id: record.user_id or record._showroom_followup_keeper() for record in self}
        records = self.filtered(lambda record: user_by_id[record.id])
        by_user = defaultdict(lambda: self.env["mail.activity"])
        for followup in records._showroom_open_followups():
            user = user_by_id[followup.res_id]
            if followup.user_id != user:
                by_user[user] |= followup
        for user, followups in by_user.items():
            followups._showroom_reassign(user)

    def _showroom_pull_in_followups(self):
        """R3: the open follow-ups due later than the record's latest deadline now
        allows (``_showroom_latest_followup_deadline``, from the assignee's today)
        are moved in to it."""
        watched_domain = self._showroom_followup_watched_domain()
        records = self.filtered_domain(watched_domain) if watched_domain else self
        followups = records._showroom_open_followups()
        if not followups:
            return
        today_by_user = self.env["res.company"]._showroom_today_by_user(followups.user_id)
        records_by_id = {record.id: record for record in records}
        by_deadline = defaultdict(lambda: self.env["mail.activity"])
        for followup in followups:
            record = records_by_id[followup.res_id]
            today = today_by_user.get(followup.user_id.id) or record.company_id._showroom_today()
            latest = record._showroom_latest_followup_deadline(today)
            if latest and followup.date_deadline > latest:
                by_deadline[latest] |= followup
        for latest, group in by_deadline.items():
            group.write({"date_deadline": latest})

    # ------------------------------------------------------------
    # R4.1: ALWAYS ONE OPEN
    # ------------------------------------------------------------

    @api.model
    def _showroom_required_records(self, activities):
        """``{(model, res id): record}``: the records that must always have an open
        follow-up (watched records of ``_showroom_followup_required`` models) to which
        the follow-ups among ``activities`` are attached; in the activities' env."""
        result = {}
        followups = activities.filtered(lambda act: act.res_id and act.activity_type_id.is_showroom_followup)
        for name, group in followups.grouped("res_model").items():
            if name not in self._showroom_governed_models() or not self.env[name]._showroom_followup_required:
                continue
            # sudo: only whether the record is watched is read, for activities the user
            # already reads; the records are returned in the user's env
            Model = self.env[name].sudo()
            records = Model.search([("id", "in", group.mapped("res_id")), *Model._showroom_followup_watched_domain()])
            result.update({(name, record.id): record.with_env(activities.env) for record in records})
        return result

    @api.model
    def _showroom_records_left_without(self, activities):
        """``{model: records}``: the records that would be left without an open
        follow-up (R4.1) if ``activities`` stopped being open follow-ups; records
        being merged away (``_showroom_merging``) aside."""
        required = self._showroom_required_records(activities.filtered("active"))
        for key in self.env.cr.precommit.data.get(MERGED_KEY, ()):
            required.pop(key, None)
        by_model = defaultdict(list)
        for name, res_id in required:
            by_model[name].append(res_id)
        left = {}
        for name, res_ids in by_model.items():
            remaining = self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", name),
                    ("res_id", "in", res_ids),
                    ("id", "not in", activities.ids),
                    *self._showroom_open_followup_domain(),
                ],
                ["res_id"],
            )
            still_open = {res_id for (res_id,) in remaining}
            records = [required[name, res_id] for res_id in res_ids if res_id not in still_open]
            if records:
                left[name] = records[0].browse().concat(*records)
        return left

    @contextmanager
    def _showroom_merging(self):
        """While these records are merged into another one, their follow-ups may
        leave them (they move to the record kept)."""
        merged = self.env.cr.precommit.data.setdefault(MERGED_KEY, set())
        keys = {(self._name, record_id) for record_id in self.ids}
        merged.update(keys)
        try:
            yield
        finally:
            merged.difference_update(keys)
