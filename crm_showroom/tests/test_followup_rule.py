from datetime import date

from odoo.tests import tagged

from .common_fine import DAY, ShowroomFineCase
from .common_mileage import ShowroomMileageCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_followup_rule")
class TestFollowupRule(ShowroomFineCase, ShowroomMileageCase):
    """One home for the follow-up rule (``showroom.followup.mixin``): the Python
    definition and the SQL the detectors run agree on the same tricky records; a
    queue call left undone is its telemarketing user's breach, not the consultant's
    (fault 4); a car's follow-up block counts its queue calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Followup = cls.env["showroom.followup.mixin"]
        cls.call_rule = cls.env.ref("crm_showroom.fine_rule_call_late")
        cls.inspected = cls.consultant | cls.tm1
        # a showroom opportunity: a follow-up due on DAY and left open, one done
        # that day without feedback (an import), one closed when the lead was won
        cls.lead = cls._lead_without_followup_cls(name="Showroom lead")
        cls.lead_late, cls.lead_done, cls.lead_closed = cls._schedule(cls.lead, 3)
        cls.lead_closed.showroom_closed_reason = "won"
        cls._set_done(cls.lead_done | cls.lead_closed)
        # the same on a plain team's opportunity: stock activities, never the rule's
        cls.plain_lead = cls._lead_without_followup_cls(name="Plain lead", team_id=cls.plain_team.id)
        cls.plain_late, cls.plain_done = cls._schedule(cls.plain_lead, 2)
        cls._set_done(cls.plain_done)
        # a vehicle sold by the consultant, with a follow-up due that day, and its
        # 50,000 km queue entry with the telemarketing user's call due that day
        cls.vehicle = cls._make_vehicle(cls._linear(date(2026, 3, 1), 50100, per_day=10))
        (cls.vehicle_late,) = cls._schedule(cls.vehicle, 1)
        cls.call = cls.env["showroom.milestone.call"].create(
            {
                "vehicle_id": cls.vehicle.id,
                "milestone_id": cls.m50.id,
                "user_id": cls.tm1.id,
                "date_open": DAY,
                "date_end": date(2026, 6, 10),
            }
        )
        cls.call_late = cls.call._schedule_calls({cls.call.id: DAY})
        # a lead of the showroom left without any follow-up (R4.1), and a plain one
        cls.orphan = cls._lead_without_followup_cls(name="Orphan lead")
        cls.plain_orphan = cls._lead_without_followup_cls(name="Plain orphan", team_id=cls.plain_team.id)
        cls.env["crm.team"].search([("id", "not in", (cls.team | cls.plain_team).ids)]).is_showroom = False
        cls.activities = (
            cls.lead_late | cls.lead_done | cls.lead_closed | cls.plain_late | cls.plain_done
            | cls.vehicle_late | cls.call_late
        )

    @classmethod
    def _lead_without_followup_cls(cls, **values):
        lead = cls.env["crm.lead"].with_context(mail_activity_automation_skip=True).create(cls._lead_values(**values))
        cls.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", ["2026-03-09 02:00:00", lead.id])
        lead.invalidate_recordset(["create_date"])
        return lead

    @classmethod
    def _set_done(cls, activities):
        activities.active = False
        activities.date_done = DAY

    @classmethod
    def _schedule(cls, records, count):
        """``count`` follow-ups due on DAY on each of ``records``, for their user."""
        followups = cls.env["mail.activity"]
        for _index in range(count):
            followups |= records._showroom_schedule_followups(
                cls.followup_type, dict.fromkeys(records.ids, DAY), dict.fromkeys(records.ids, "Call")
            )
        cls.env.cr.execute(
            "UPDATE mail_activity SET create_date = %s WHERE id = ANY(%s)", ["2026-03-09 02:00:00", followups.ids]
        )
        followups.invalidate_recordset(["create_date"])
        return followups

    def _sql_ids(self, condition=None, governed=None):
        """The ids among ``self.activities`` that the SQL ``condition``, or the
        ``governed`` joins and condition, select (alias ``a``)."""
        self.env.flush_all()
        where = governed or f"WHERE {condition}"
        self.env.cr.execute(
            f"SELECT a.id FROM mail_activity a {where} AND a.id = ANY(%(ids)s)",  # noqa: S608
            {"ids": self.activities.ids},
        )
        return {row[0] for row in self.env.cr.fetchall()}

    # ------------------------------------------------------------
    # ONE DEFINITION, TWO LANGUAGES
    # ------------------------------------------------------------

    def test_governed_python_and_sql_agree(self):
        python = self.Followup._showroom_governed_followups(self.activities.with_context(active_test=False))
        self.assertEqual(
            python,
            self.lead_late | self.lead_done | self.lead_closed | self.vehicle_late | self.call_late,
            "a showroom lead's, a vehicle's and a queue call's follow-ups are governed; a plain lead's are not",
        )
        self.assertEqual(set(python.ids), self._sql_ids(governed=self.Followup._showroom_governed_followup_sql("a")))
        self.assertEqual(self.activities._showroom_ruled(), python & self.activities)
        self.assertEqual(python.mapped("showroom_feedback_required"), [True] * len(python))

    def test_late_rules_split_by_whose_breach(self):
        consultants = self.Followup._showroom_late_rule_models("followup_late")
        calls = self.Followup._showroom_late_rule_models("call_late")
        self.assertEqual(set(consultants), {"crm.lead", "showroom.vehicle"})
        self.assertEqual(calls, ["showroom.milestone.call"])
        governed = self.Followup._showroom_governed_followups(self.activities.with_context(active_test=False))
        consultant_followups = self.lead_late | self.lead_done | self.lead_closed | self.vehicle_late
        for model_names, expected in ((consultants, consultant_followups), (calls, self.call_late)):
            self.assertEqual(governed.filtered(lambda act, names=model_names: act.res_model in names), expected)
            sql = self.Followup._showroom_governed_followup_sql("a", model_names)
            self.assertEqual(set(expected.ids), self._sql_ids(governed=sql))

    def test_open_python_and_sql_agree(self):
        python = self.activities.with_context(active_test=False).filtered_domain(
            self.Followup._showroom_open_followup_domain()
        )
        self.assertEqual(python, self.lead_late | self.plain_late | self.vehicle_late | self.call_late)
        self.assertEqual(set(python.ids), self._sql_ids(self.Followup._showroom_open_followup_sql("a")))

    def test_detectors_agree_with_the_python_rule(self):
        """Each follow-up rule's detector finds what the Python definition says."""
        self._inspect(users=self.inspected)
        fines = self.Fine.search([("day", "=", DAY), ("user_id", "in", self.inspected.ids)])
        governed = self.Followup._showroom_governed_followups(self.activities.with_context(active_test=False))
        states = self.Followup._showroom_followup_states(governed)
        late = {act for act in governed if act.date_deadline == DAY and states[act] in ("overdue", "today")}
        consultant_models = self.Followup._showroom_late_rule_models("followup_late")
        self.assertEqual(
            self._breaches(fines.filtered(lambda f: f.rule_id.kind == "followup_late")),
            {("followup_late", act) for act in late if act.res_model in consultant_models},
        )
        self.assertEqual(
            self._breaches(fines.filtered(lambda f: f.rule_id.kind == "call_late")),
            {("call_late", act) for act in late if act.res_model not in consultant_models},
        )
        # R4.3: done that day without feedback (imports): the governed ones only
        done_blank = {
            act for act in governed
            if states[act] == "done" and not (act.showroom_feedback_reason_ids and act.showroom_feedback)
        }
        self.assertEqual(
            self._breaches(fines.filtered(lambda f: f.rule_id.kind == "feedback_missing")),
            {("feedback_missing", act) for act in done_blank},
        )
        # R4.1: the records that must always have an open follow-up and had none
        leads = self.lead | self.plain_lead | self.orphan | self.plain_orphan
        self.assertEqual(
            self._breaches(fines.filtered(lambda f: f.rule_id.kind == "no_followup")),
            {("no_followup", lead) for lead in leads.filtered_domain([("showroom_followup_state", "=", "none")])},
        )
        self.assertEqual(self.orphan.showroom_followup_state, "none")
        self.assertFalse(self.plain_orphan.showroom_followup_state)

    def test_spot_check_samples_governed_calls_only(self):
        """R8.4: the sample reads the governed follow-ups as the detectors do: a
        showroom lead's done call is drawn, a plain team's is not (nor a closed one)."""
        self.assertEqual(self.followup_type.category, "phonecall")
        with self._at("2026-03-10 03:00:00"):
            self.env["showroom.spot.check"]._showroom_sample(self.consultant, last_week=False)
        drawn = self.env["showroom.spot.check"].search([("user_id", "=", self.consultant.id)]).activity_id
        self.assertEqual(drawn, self.lead_done)

    # ------------------------------------------------------------
    # FAULT 4: QUEUE CALLS
    # ------------------------------------------------------------

    def test_call_left_undone_fines_the_telemarketing_user(self):
        """A queue call due on DAY and not made is the telemarketing user's breach
        under its own rule; the consultant who sold the car is not fined for it."""
        self.assertIn(self.tm1, self.Inspection._showroom_consultants(self.company))
        self._inspect(users=self.inspected)
        fines = self.Fine.search(
            [("day", "=", DAY), ("res_model", "=", "mail.activity"), ("res_id", "=", self.call_late.id)]
        )
        self.assertRecordValues(fines, [{"user_id": self.tm1.id, "rule_id": self.call_rule.id, "amount": 50.0}])
        self.assertEqual(fines.inspection_id.user_id, self.tm1)
        consultant_fines = self.Fine.search([("day", "=", DAY), ("user_id", "=", self.consultant.id)])
        self.assertTrue(consultant_fines, "the consultant's own late follow-ups are fined")
        self.assertFalse(consultant_fines.filtered(lambda f: f.res_id == self.call_late.id))
        # the telemarketing user reads their own sheet and fine
        self.assertEqual(self.Fine.with_user(self.tm1).search([("day", "=", DAY)]), fines)

    def test_call_made_on_its_day_is_no_breach(self):
        with self._at("2026-03-10 03:00:00"):
            self._work_call(self.call, "serviced")
        self._inspect(users=self.inspected)
        self.assertFalse(self.Fine.search([("rule_id", "=", self.call_rule.id), ("day", "=", DAY)]))

    # ------------------------------------------------------------
    # THE CAR'S FOLLOW-UP BLOCK
    # ------------------------------------------------------------

    def test_vehicle_block_counts_its_queue_call(self):
        self.vehicle_late.write({"active": False, "showroom_closed_reason": "returned"})
        with self._at("2026-03-10 03:00:00"):
            vehicle = self.vehicle.with_user(self.consultant)  # who does not read the queue
            vehicle.invalidate_recordset()
            self.assertEqual(vehicle.showroom_open_followup_count, 1, "the open 50,000 km call counts")
            self.assertEqual(vehicle.showroom_next_followup_date, DAY)
            self.assertEqual(vehicle.showroom_followup_due, "today")
            Vehicle = self.env["showroom.vehicle"].with_user(self.consultant)
            found = Vehicle.search([("showroom_followup_due", "=", "today"), ("id", "=", vehicle.id)])
            self.assertEqual(found, vehicle)
        self.call.state = "closed"
        self.vehicle.invalidate_recordset()
        self.assertEqual(self.vehicle.showroom_open_followup_count, 0)

    def test_call_moves_with_its_entry(self):
        """G1: a manager hands the entry to another telemarketing user, the open call follows."""
        self.call.with_user(self.manager).user_id = self.tm2
        self.assertEqual(self.call_late.user_id, self.tm2)
