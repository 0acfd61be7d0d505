import importlib.util
import os

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_vehicle import ShowroomVehicleCase

# Shanghai is UTC+8: 15:30 UTC is still the same day there, 16:30 UTC the next one.
H_DAY = "2026-03-03 03:00:00"  # 2026-03-03 11:00 in Shanghai
O_SEVENTH_DAY = "2026-03-10 15:30:00"  # 2026-03-10 23:30 in Shanghai: 7 showroom days after H
O_EIGHTH_DAY = "2026-03-10 16:30:00"  # 2026-03-11 00:30 in Shanghai: 8 days (7 in UTC)
APRIL_IN_SHANGHAI = "2026-03-31 18:30:00"  # 2026-04-01 02:30 in Shanghai


@tagged("post_install", "-at_install", "crm_showroom", "showroom_reports")
@freeze_time("2026-03-02 02:00:00")
class TestReportsFunnel(ShowroomVehicleCase):
    """G6, R3: the grade history written at every door, the funnel (conversion by
    channel and consultant, H→O within grade H's 7 days, counted in showroom
    days) and the sales composition (by the grade before the order, model and
    county), every period a calendar period of the showroom (Asia/Shanghai), on a
    known data set whose figures are asserted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.suv_red = cls.suv.product_variant_ids.filtered(
            lambda product: (
                set(product.product_template_attribute_value_ids.mapped("name")) == {"1.5T Comfort", "Ruby Red"}
            )
        )
        cls.other_county = cls.env["res.city"].search(
            [("state_id", "=", cls.hebei.id), ("id", "!=", cls.county.id)], limit=1
        )
        cls.History = cls.env["showroom.grade.history"]

    def _history(self, lead):
        return [
            (row.old_grade_id.code or None, row.new_grade_id.code, str(row.day), row.user_id)
            for row in self.History.search([("lead_id", "=", lead.id)], order="date, id")
        ]

    def _set_create_date(self, lead, when):
        """``create_date`` is the transaction's time, which freeze_time does not move."""
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [when, lead.id])
        lead.invalidate_recordset(["create_date"])

    def _confirm(self, lead, product, qty=1):
        order = self._create_order(lead, product=product, qty=qty)
        order.action_confirm()
        return order

    def _build_funnel(self):
        """Six showroom opportunities and a plain one:

        * walk-in, consultant: L1 (A → H on 03-03, order confirmed 7 showroom days
          later → O in time, then won), L2 (created H on 03-03, ordered 8 showroom days
          later: late, though 7 days in UTC), L3 (H, still open), L7 (N, created on
          2026-04-01 in Shanghai, 2026-03-31 in UTC);
        * referral, consultant 2: L4 (B, ordered 2 red cars on 2026-04-01 in Shanghai,
          won), L5 (C, lost)."""
        leads = {}
        leads["L1"] = self._create_lead(showroom_grade_id=self.grades["A"].id, showroom_product_id=self.suv_white.id)
        with freeze_time(H_DAY):
            leads["L1"].with_user(self.consultant).write({"showroom_grade_id": self.grades["H"].id})
            leads["L2"] = self._create_lead(
                mobile="13800138002", showroom_grade_id=self.grades["H"].id, showroom_product_id=self.suv_white.id
            )
            leads["L3"] = self._create_lead(mobile="13800138003", showroom_grade_id=self.grades["H"].id)
        referral = {
            "user_id": self.consultant_2.id,
            "showroom_channel_id": self.referral.id,
            "showroom_referrer_id": self.old_customer.id,
            "city_id": self.other_county.id,
        }
        leads["L4"] = self._create_lead(
            mobile="13800138004",
            showroom_grade_id=self.grades["B"].id,
            showroom_product_id=self.suv_red.id,
            **referral,
        )
        leads["L5"] = self._create_lead(mobile="13800138005", showroom_grade_id=self.grades["C"].id, **referral)
        leads["L7"] = self._create_lead(mobile="13800138007", showroom_grade_id=self.grades["N"].id)
        self._set_create_date(leads["L7"], APRIL_IN_SHANGHAI)
        leads["plain"] = self._create_lead(mobile="13800138009", team_id=self.plain_team.id)
        for key, when in (
            ("L1", "2026-03-02 02:00:00"),
            ("L2", H_DAY),
            ("L3", H_DAY),
            ("L4", "2026-03-02 02:00:00"),
            ("L5", "2026-03-02 02:00:00"),
        ):
            self._set_create_date(leads[key], when)
        with freeze_time(O_SEVENTH_DAY):
            self._confirm(leads["L1"], self.suv_white)
        with freeze_time(O_EIGHTH_DAY):
            self._confirm(leads["L2"], self.suv_white)
        with freeze_time(APRIL_IN_SHANGHAI):
            self._confirm(leads["L4"], self.suv_red, qty=2)
        (leads["L1"] | leads["L4"]).write({"stage_id": self.won_stage.id})
        leads["L5"].action_set_lost()
        return leads

    # ------------------------------------------------------------
    # GRADE HISTORY
    # ------------------------------------------------------------

    def test_history_on_create_write_and_import(self):
        lead = self._create_lead(user=self.consultant)
        self.assertEqual(self._history(lead), [(None, "A", "2026-03-02", self.consultant)])
        # a write that keeps the grade records nothing; at 18:30 UTC it is the next day in Shanghai
        lead.write({"showroom_grade_id": self.grades["A"].id, "showroom_remarks": "tall, glasses"})
        with freeze_time("2026-03-02 18:30:00"):
            lead.with_user(self.consultant).write({"showroom_grade_id": self.grades["H"].id})
        self.assertEqual(
            self._history(lead),
            [(None, "A", "2026-03-02", self.consultant), ("A", "H", "2026-03-03", self.consultant)],
        )
        # import (base_import and RPC load) goes through write
        xmlid = lead._export_rows([["id"]])[0][0]
        with freeze_time("2026-03-04 02:00:00"):
            result = (
                self.env["crm.lead"]
                .with_user(self.manager)
                .load(["id", "showroom_grade_id/.id"], [[xmlid, str(self.grades["B"].id)]])
            )
        self.assertFalse(result["messages"])
        self.assertEqual(self._history(lead)[-1], ("H", "B", "2026-03-04", self.manager))

    def test_history_backfill_from_tracking(self):
        """Migration 18.0.1.5.0: the grade changes of the past come from the grade's mail
        tracking, the creation's grade from the first change's old value, each dated
        in the showroom's day."""
        Lead = self.env["crm.lead"].with_context(tracking_disable=False)
        lead = Lead.create(self._lead_values(showroom_grade_id=self.grades["C"].id))
        self._set_create_date(lead, "2026-03-01 17:00:00")  # 03-02 01:00 in Shanghai
        self.env.cr.precommit.run()  # the creation's tracking is done: what follows is tracked
        for when, code in (("2026-03-02 18:30:00", "H"), ("2026-03-05 02:00:00", "O")):
            with freeze_time(when):
                lead.with_user(self.consultant).write({"showroom_grade_id": self.grades[code].id})
                self.env.flush_all()
                self.env.cr.precommit.run()
        self.History.search([("lead_id", "=", lead.id)]).unlink()
        path = os.path.join(os.path.dirname(__file__), "..", "migrations", "18.0.1.5.0", "post-migrate.py")
        spec = importlib.util.spec_from_file_location("crm_showroom_migration_1_5", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.3.0")
        self.env.invalidate_all()
        self.assertEqual(
            self._history(lead),
            [
                (None, "C", "2026-03-02", self.env.user),
                ("C", "H", "2026-03-03", self.consultant),
                ("H", "O", "2026-03-05", self.consultant),
            ],
        )

    def test_history_batch_write(self):
        """One write over opportunities of different grades: a row for each that changed."""
        leads = self._create_lead() | self._create_lead(mobile="13800138002", showroom_grade_id=self.grades["B"].id)
        leads |= self._create_lead(mobile="13800138003", showroom_grade_id=self.grades["H"].id)
        leads.write({"showroom_grade_id": self.grades["H"].id})
        moves = self.History.search([("lead_id", "in", leads.ids), ("old_grade_id", "!=", False)])
        self.assertEqual(
            sorted(moves.mapped(lambda row: (row.old_grade_id.code, row.new_grade_id.code))), [("A", "H"), ("B", "H")]
        )
        self.assertEqual(moves.company_id, self.company)
        self.assertEqual(moves.team_id, self.team)

    def test_history_read_only_and_own(self):
        leads = self._build_funnel()
        mine = self.History.with_user(self.consultant).search([])
        self.assertEqual(set(mine.lead_id.ids), {leads[key].id for key in ("L1", "L2", "L3", "L7", "plain")})
        self.assertEqual(
            self.History.with_user(self.manager).search_count(
                [("lead_id", "in", [lead.id for lead in leads.values()])]
            ),
            # creations (7) + L1 A→H + L1, L2, L4 → O
            7 + 1 + 3,
        )
        with self.assertRaises(AccessError):
            mine[:1].with_user(self.manager).write({"new_grade_id": self.grades["N"].id})

    # ------------------------------------------------------------
    # FUNNEL
    # ------------------------------------------------------------

    def _funnel(self, groupby, user=None, domain=()):
        Report = self.env["showroom.funnel.report"].with_user(user or self.manager)
        measures = [
            "opportunity_count:sum",
            "won_count:sum",
            "conversion_rate:avg",
            "entered_h_count:sum",
            "h_to_o_count:sum",
            "h_to_o_rate:avg",
        ]
        groupby = [groupby] if groupby else []
        figures = {}
        for row in Report._read_group([("team_id", "=", self.team.id), *domain], groupby, measures):
            key = row[0] if groupby else None
            figures[key] = tuple(
                round(value, 2) if isinstance(value, float) else value for value in row[len(groupby) :]
            )
        return figures

    def test_funnel_figures(self):
        leads = self._build_funnel()
        # (count, won, conversion %, entered H, H→O in time, H→O %)
        self.assertEqual(self._funnel(None), {None: (6, 2, 33.33, 3, 1, 33.33)})
        by_channel = self._funnel("channel_id")
        self.assertEqual(by_channel[self.walk_in], (4, 1, 25.0, 3, 1, 33.33))
        self.assertEqual(by_channel[self.referral], (2, 1, 50.0, 0, 0, False))
        by_user = self._funnel("user_id")
        self.assertEqual(by_user[self.consultant][:3], (4, 1, 25.0))
        self.assertEqual(by_user[self.consultant_2][:3], (2, 1, 50.0))
        by_grade = self._funnel("grade_id")
        self.assertEqual(
            {grade.code: figures[0] for grade, figures in by_grade.items()}, {"O": 3, "H": 1, "C": 1, "N": 1}
        )
        by_model = self._funnel("product_tmpl_id")
        self.assertEqual(by_model[self.suv][:2], (3, 2))
        by_county = self._funnel("city_id")
        self.assertEqual(by_county[self.county][:2], (4, 1))
        self.assertEqual(by_county[self.other_county][:2], (2, 1))
        # the H→O opportunities: L1 only (L2 ordered on its 8th showroom day)
        in_time = self.env["showroom.funnel.report"].search([("team_id", "=", self.team.id), ("h_to_o_count", "=", 1)])
        self.assertEqual(in_time.lead_id, leads["L1"])
        self.assertEqual(in_time.action_open_opportunities()["domain"], [("id", "in", leads["L1"].ids)])
        # a consultant sees their own figures only
        self.assertEqual(self._funnel(None, user=self.consultant_2), {None: (2, 1, 50.0, 0, 0, False)})

    def test_funnel_h_window_is_data(self):
        """The window is grade H's order window: at 8 days L2 is in time too."""
        self._build_funnel()
        self.grades["H"].order_window_days = 8
        self.assertEqual(self._funnel(None)[None][3:5], (3, 2))

    def test_funnel_periods_are_showroom_days(self):
        self._build_funnel()
        by_month = self._funnel("date:month")
        self.assertEqual(
            {str(month): figures[0] for month, figures in by_month.items()}, {"2026-03-01": 5, "2026-04-01": 1}
        )
        by_h_day = self._funnel("h_date:day")
        self.assertEqual({str(day): figures[3] for day, figures in by_h_day.items() if day}, {"2026-03-03": 3})

    def test_funnel_by_company(self):
        """Each company counts in its own showroom day; a manager sees their companies only."""
        other_company = self.env["res.company"].create({"name": "Berlin Showroom", "showroom_tz": "Europe/Berlin"})
        self.env.user.company_ids |= other_company
        other_team = self.env["crm.team"].create(
            {"name": "Berlin", "is_showroom": True, "company_id": other_company.id}
        )
        there = self._create_lead(
            mobile="13800138011", team_id=other_team.id, company_id=other_company.id, user_id=self.env.user.id
        )
        here = self._create_lead(mobile="13800138012")
        for lead in there | here:
            self._set_create_date(lead, APRIL_IN_SHANGHAI)  # 2026-03-31 20:30 in Berlin
        Report = self.env["showroom.funnel.report"]
        rows = Report.search([("lead_id", "in", (there | here).ids)])
        self.assertEqual({row.lead_id: str(row.date) for row in rows}, {there: "2026-03-31", here: "2026-04-01"})
        self.assertEqual(Report.with_user(self.manager).search([("lead_id", "in", (there | here).ids)]).lead_id, here)

    # ------------------------------------------------------------
    # SALES COMPOSITION
    # ------------------------------------------------------------

    def _composition(self, groupby, user=None, domain=()):
        Report = self.env["showroom.sale.composition.report"].with_user(user or self.manager)
        return {
            key: (quantity, amount)
            for key, quantity, amount in Report._read_group(
                [("team_id", "=", self.team.id), *domain], [groupby], ["quantity:sum", "amount:sum"]
            )
        }

    def test_composition_by_grade_model_county(self):
        self._build_funnel()
        price_white = self._showroom_price(self.suv_white)
        price_red = self._showroom_price(self.suv_red)
        by_grade = self._composition("grade_id")
        self.assertEqual(
            {grade.code: figures for grade, figures in by_grade.items()},
            {"H": (2.0, 2 * price_white), "B": (2.0, 2 * price_red)},
        )
        self.assertEqual(self._composition("product_tmpl_id"), {self.suv: (4.0, 2 * (price_white + price_red))})
        self.assertEqual(
            self._composition("product_id"),
            {self.suv_white: (2.0, 2 * price_white), self.suv_red: (2.0, 2 * price_red)},
        )
        self.assertEqual(
            self._composition("city_id"), {self.county: (2.0, 2 * price_white), self.other_county: (2.0, 2 * price_red)}
        )
        self.assertEqual(self._composition("state_id"), {self.hebei: (4.0, 2 * (price_white + price_red))})
        # consultants: their own contracts
        self.assertEqual(self._composition("user_id", user=self.consultant), {self.consultant: (2.0, 2 * price_white)})

    def test_composition_periods_are_showroom_days(self):
        """A contract confirmed on 2026-03-31 at 18:30 UTC is April's in Shanghai; one
        at 16:30 UTC on 03-10 is the 11th's."""
        self._build_funnel()
        by_month = self._composition("date:month")
        self.assertEqual(
            {str(month): figures[0] for month, figures in by_month.items()}, {"2026-03-01": 2.0, "2026-04-01": 2.0}
        )
        by_day = self._composition("date:day")
        self.assertEqual(
            {str(day): figures[0] for day, figures in by_day.items()},
            {"2026-03-10": 1.0, "2026-03-11": 1.0, "2026-04-01": 2.0},
        )
        april = self._composition("grade_id", domain=[("date", ">=", "2026-04-01"), ("date", "<", "2026-05-01")])
        self.assertEqual({grade.code: figures[0] for grade, figures in april.items()}, {"B": 2.0})

    def test_print(self):
        self._build_funnel()
        funnel = self.env["showroom.funnel.report"].with_user(self.manager).search([("team_id", "=", self.team.id)])
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html("crm_showroom.action_report_showroom_funnel", funnel.ids)[0]
            .decode()
        )
        self.assertIn("H→O in time", html)
        composition = (
            self.env["showroom.sale.composition.report"]
            .with_user(self.manager)
            .search([("team_id", "=", self.team.id)])
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html("crm_showroom.action_report_showroom_sale_composition", composition.ids)[0]
            .decode()
        )
        self.assertIn(composition.order_id[:1].name, html)

    def _showroom_price(self, product):
        """The untaxed price of one car, as the order line computes it."""
        order = self._create_order(product=product)
        return order.order_line.price_subtotal
