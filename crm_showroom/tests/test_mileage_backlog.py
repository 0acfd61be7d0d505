from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_mileage import ShowroomMileageCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_mileage")
@freeze_time("2026-03-10 02:00:00")
class TestMilestoneBacklog(ShowroomMileageCase):
    """R6.1 at the throughput of the queue: over the cap of open entries per
    telemarketing user, the vehicles past a milestone wait in the queue, visible
    to the managers, and are opened oldest crossing first as calls close; the
    daily check detects once per run, whatever the backlog."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.showroom_call_cap = 2
        # 10 km a day, read on 1 March: the more km, the older the crossing of 50,000 km
        # (50,700 km: 70 days before; 50,100 km: 10 days before). Created newest
        # crossing first, so that the order of the queue is not the order of the ids.
        cls.vehicles = cls.env["showroom.vehicle"].concat(
            *(cls._make_vehicle(cls._linear(date(2026, 3, 1), 50000 + 100 * n)) for n in range(1, 8))
        )

    def _run(self, vehicles=None, **kwargs):
        vehicles = vehicles or self.vehicles
        return self.env["showroom.vehicle"]._cron_showroom_milestones(vehicle_ids=vehicles.ids, **kwargs)

    @contextmanager
    def _detections(self):
        """The detection queries (a milestone joined to the vehicles) the block runs."""
        queries = []
        with contextmanager(self._patchExecute)(queries):
            yield queries
        queries[:] = [query for query in queries if "JOIN LATERAL" in query and "showroom_vehicle" in query]

    def test_over_the_cap_entries_wait_oldest_crossing_first(self):
        self.assertEqual(self._run(batch_size=3), 7, "every vehicle past the milestone is queued")
        calls = self._calls(self.vehicles)
        opened = calls.filtered(lambda call: call.state == "open")
        waiting = calls - opened
        # two users, two open entries each: the four oldest crossings are called
        self.assertEqual(opened.vehicle_id, self.vehicles[3:])
        self.assertEqual(sorted(opened.user_id.mapped("id")), sorted((self.tm1 | self.tm2).ids))
        self.assertEqual(len(opened.filtered(lambda call: call.user_id == self.tm1)), 2)
        self.assertRecordValues(
            waiting,
            [
                {"state": "waiting", "user_id": False, "date_open": date(2026, 3, 10), "date_end": False}
                for _vehicle in range(3)
            ],
        )
        self.assertEqual(waiting.vehicle_id, self.vehicles[:3])
        self.assertEqual(
            waiting.sorted(lambda call: call.vehicle_id.id).mapped("date_crossed"),
            [date(2026, 2, 19), date(2026, 2, 9), date(2026, 1, 30)],
        )
        self.assertFalse(waiting.activity_ids, "a waiting entry has no call yet")
        # the managers see the backlog per milestone on the queue's screen
        Call = self.env["showroom.milestone.call"].with_user(self.manager)
        panel = Call.search_panel_select_range(
            "milestone_id", enable_counters=True, search_domain=[("vehicle_id", "in", self.vehicles.ids)]
        )
        counts = {value["id"]: value["__count"] for value in panel["values"]}
        self.assertEqual(counts[self.m50.id], 7)
        panel = Call.search_panel_select_multi_range(
            "state", enable_counters=True, search_domain=[("vehicle_id", "in", self.vehicles.ids)]
        )
        self.assertEqual({value["id"]: value["__count"] for value in panel["values"]}["waiting"], 3)
        # again: nothing queued twice, nobody has room, the same entries wait
        self.assertEqual(self._run(), 0)
        self.assertEqual(self._calls(self.vehicles), calls)
        self.assertEqual(waiting.mapped("state"), ["waiting"] * 3)

    def test_waiting_entries_open_as_calls_close(self):
        self._run()
        calls = self._calls(self.vehicles)
        waiting = calls.filtered(lambda call: call.state == "waiting")
        tm2_calls = calls.filtered(lambda call: call.user_id == self.tm2)
        for call in tm2_calls:
            self._work_call(call, "not_interested")
        with freeze_time("2026-03-12 02:00:00"):
            self.assertEqual(self._run(), 0, "nothing new is queued")
        # tm2 has room for two: the two oldest crossings among the waiting entries
        oldest, older, newest = waiting.sorted("date_crossed")
        self.assertRecordValues(
            oldest | older,
            [
                {"state": "open", "user_id": self.tm2.id, "date_open": date(2026, 3, 12), "date_end": date(2026, 6, 12)}
                for _call in range(2)
            ],
        )
        for call in oldest | older:
            self.assertRecordValues(
                self._open_call_activity(call), [{"user_id": self.tm2.id, "date_deadline": date(2026, 3, 12)}]
            )
        self.assertRecordValues(newest, [{"state": "waiting", "user_id": False}])
        self.assertFalse(newest.activity_ids)

    def test_a_manager_opens_a_waiting_entry_by_assigning_it(self):
        self.company.showroom_call_cap = 1
        self._run()
        waiting = self._calls(self.vehicles).filtered(lambda call: call.state == "waiting")
        self.assertEqual(len(waiting), 5)
        entry = waiting.with_user(self.manager)[0]
        entry.user_id = self.tm1
        self.assertRecordValues(
            entry, [{"state": "open", "date_open": date(2026, 3, 10), "date_end": date(2026, 6, 10)}]
        )
        self.assertRecordValues(
            self._open_call_activity(entry), [{"user_id": self.tm1.id, "date_deadline": date(2026, 3, 10)}]
        )

    def test_a_waiting_entry_gives_way_to_the_next_milestone(self):
        """The highest milestone crossed only: a vehicle still waiting at 50,000 km
        that passes 100,000 km waits for the 100,000 km call instead, not both."""
        self._run()
        entry = self._calls(self.vehicles[0])
        self.assertEqual(entry.state, "waiting")
        self.env["showroom.odometer"].with_user(self.manager).create(
            {"vehicle_id": self.vehicles[0].id, "date": date(2026, 3, 10), "km": 100001, "is_correction": True}
        )
        self._run()
        self.assertRecordValues(
            self._calls(self.vehicles[0]),
            [
                {"milestone_id": self.m50.id, "state": "closed", "user_id": False},
                {"milestone_id": self.m100.id, "state": "waiting", "user_id": False},
            ],
        )
        self.assertFalse(entry.activity_ids)

    def test_returned_vehicle_leaves_the_waiting_queue(self):
        self.company.showroom_call_cap = 1
        self._run()  # both members are full
        order = self._create_order(lead=self.origin_lead)
        order.action_confirm()
        vehicle = self._deliver_order(order)
        vehicle.insurance_renewal_date = date(2026, 4, 1)
        self._run(vehicle)
        call = self._calls(vehicle)
        self.assertRecordValues(call, [{"state": "waiting", "milestone_id": self.renewal.id}])
        self._return(order.picking_ids, vehicle.lot_id)
        self.assertEqual(call.state, "closed")
        opened = self._calls(self.vehicles).filtered(lambda call: call.state == "open")
        for entry in opened:
            self._work_call(entry, "not_interested")
        self._run(vehicle)
        self.assertRecordValues(call, [{"state": "closed", "user_id": False}])
        self.assertFalse(call.activity_ids, "nobody calls the former owner")

    def test_detection_runs_once_per_run_whatever_the_backlog(self):
        with self._detections() as detections:
            self._run(batch_size=2)
        self.assertEqual(len(detections), 1, "one detection for four batches")

        def run_and_count(count):
            older = self._calls(self.vehicles).filtered(lambda call: call.state == "waiting")
            vehicles = self.env["showroom.vehicle"].concat(
                *(self._make_vehicle(self._linear(date(2026, 3, 9), 50010 + i)) for i in range(count))
            )
            self.company.showroom_call_cap += 1  # room for one more entry per member
            self.env.flush_all()
            self.env.invalidate_all()
            with self._detections() as detections:
                before = self.env.cr.sql_log_count
                queued = self._run(vehicles | self.vehicles, batch_size=count)
                used = self.env.cr.sql_log_count - before
            self.assertEqual(queued, count)
            self.assertEqual(len(detections), 1)
            self.assertEqual(older.mapped("state").count("open"), min(2, len(older)), "one per member")
            opened = self._calls(vehicles).filtered(lambda call: call.state == "open")
            self.assertEqual(len(opened), 2 - min(2, len(older)), "the older crossings of the backlog first")
            return used

        few, many = run_and_count(3), run_and_count(30)
        self.assertLessEqual(many, few + 2, f"{few} queries for a backlog of 6, {many} for 34")

    def test_team_followups_show_the_backlog_per_milestone(self):
        self._run()
        waiting = self._calls(self.vehicles).filtered(lambda call: call.state == "waiting")
        self.env.invalidate_all()  # a report read at query time
        Dashboard = self.env["showroom.followup.dashboard"].with_user(self.manager)
        row = Dashboard.search([("milestone_id", "=", self.m50.id), ("company_id", "=", self.company.id)])
        Call = self.env["showroom.milestone.call"].with_user(self.manager)
        behind = Call.search(row.action_open_waiting_calls()["domain"])
        self.assertEqual(row.waiting_count, len(behind))
        self.assertLessEqual(waiting, behind, "the figure opens the waiting entries")
        self.assertEqual(set(behind.mapped("state")), {"waiting"})
        self.assertEqual(row.display_name, "Call queue: 50,000 km")
        self.assertFalse(row.user_id or row.grade_id)
        self.assertFalse(Dashboard.search([("milestone_id", "=", self.m100.id)]), "no backlog, no row")
