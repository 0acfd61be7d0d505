import json

from freezegun import freeze_time

from odoo.tests import tagged

from .common_vehicle import ShowroomVehicleCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_dashboard")
@freeze_time("2026-03-10 04:00:00")
class TestShowroomDashboard(ShowroomVehicleCase):
    """G6: Dashboards > Showroom, shipped as a spreadsheet whose live pivots
    read the funnel, this week's compliance, the sales composition and the
    receivables. Each pivot definition of the JSON is read as a manager would
    (``_read_group`` with its domain, rows and measures) on a known data set."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("crm_showroom.spreadsheet_dashboard_showroom")
        cls.pivots = json.loads(cls.dashboard.spreadsheet_data)["pivots"]

    def _read_pivot(self, pivot_id):
        """``{row value: [measures]}`` of the pivot, as a manager, rows or not."""
        pivot = self.pivots[pivot_id]
        Model = self.env[pivot["model"]].with_user(self.manager)
        self.env.flush_all()  # as between two requests
        groupby = [row["fieldName"] for row in pivot["rows"]]
        aggregates = [
            "__count"
            if measure["fieldName"] == "__count"
            else f"{measure['fieldName']}:{Model._fields[measure['fieldName']].aggregator}"
            for measure in pivot["measures"]
        ]
        groups = Model._read_group(pivot["domain"], groupby, aggregates)
        return {tuple(group[: len(groupby)]): list(group[len(groupby) :]) for group in groups}

    def test_dashboard_is_the_managers(self):
        self.assertIn("Showroom", self.dashboard.name)
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Showroom")
        self.assertEqual(self.dashboard.group_ids, self.env.ref("crm_showroom.group_showroom_manager"))
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(self.manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.consultant).search([]))
        snapshot = self.dashboard.with_user(self.manager).get_readonly_dashboard()["snapshot"]
        self.assertEqual(
            {pivot["model"] for pivot in snapshot["pivots"].values()},
            {"crm.lead", "showroom.followup.compliance.report", "sale.report", "showroom.receivable.report"},
        )

    def test_every_pivot_reads(self):
        """Models, rows and measures exist and are groupable or aggregated; domains are valid."""
        for pivot_id, pivot in self.pivots.items():
            with self.subTest(pivot=pivot["name"]):
                Model = self.env[pivot["model"]]
                described = Model.fields_get(attributes=["groupable", "aggregator"])
                for row in pivot["rows"]:
                    self.assertTrue(described[row["fieldName"]]["groupable"])
                for measure in pivot["measures"]:
                    if measure["fieldName"] != "__count":
                        self.assertTrue(described[measure["fieldName"]].get("aggregator"))
                self._read_pivot(pivot_id)

    def test_funnel_figures(self):
        self.phone = self.env.ref("crm_showroom.channel_phone")
        before = {pid: self._read_pivot(pid) for pid in ("1", "2", "3")}
        grade_a, grade_b = self.grades["A"], self.grades["B"]
        self._create_lead(showroom_grade_id=grade_a.id)
        self._create_lead(showroom_grade_id=grade_a.id, showroom_channel_id=self.phone.id)
        won = self._create_lead(showroom_grade_id=grade_b.id)
        won.action_set_won()
        self._create_lead(team_id=self.plain_team.id, showroom_grade_id=grade_a.id)  # not the showroom's

        def delta(pid, key):
            return self._read_pivot(pid).get((key,), [0])[0] - before[pid].get((key,), [0])[0]

        self.assertEqual(delta("1", grade_a), 2)
        self.assertEqual(delta("1", grade_b), 1)
        self.assertEqual(delta("2", grade_a), 0)
        self.assertEqual(delta("2", grade_b), 1)
        self.assertEqual(delta("3", self.walk_in), 2)
        self.assertEqual(delta("3", self.phone), 1)

    def test_compliance_this_week(self):
        self._create_lead()
        self._create_lead()
        self._create_lead(user_id=self.consultant_2.id)
        figures = self._read_pivot("4")
        self.assertEqual(figures[(self.consultant,)], [2, 0, 0, 0])
        self.assertEqual(figures[(self.consultant_2,)], [1, 0, 0, 0])

    def test_sales_composition(self):
        before = self._read_pivot("5").get((self.suv_white,), [0, 0])
        self._create_order(qty=2).action_confirm()
        self._create_order(qty=1)  # a quotation: not a sale
        order = self._create_order(qty=5)
        order.team_id = self.plain_team
        order.action_confirm()  # not the showroom's
        qty, amount = self._read_pivot("5").get((self.suv_white,), [0, 0])
        self.assertEqual(qty - before[0], 2)
        self.assertAlmostEqual(amount - before[1], 300000)

    def test_receivables_by_bucket(self):
        (figures,) = self._read_pivot("6").values()
        rows = self.env["showroom.receivable.report"].with_user(self.manager).search([])
        measures = [measure["fieldName"] for measure in self.pivots["6"]["measures"]]
        self.assertEqual(figures, [sum(rows.mapped(fname)) for fname in measures])
