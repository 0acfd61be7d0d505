import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_fine import AFTER_END_OF_DAY, BEFORE_END_OF_DAY, DAY, NEXT_MORNING, ShowroomFineCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_ownership")
class TestAssignmentHistory(ShowroomFineCase):
    """R7, G1, G4: every door that changes the holder of a showroom opportunity or
    of a base customer writes ``showroom.assignment``, with its reason."""

    def _rows(self, lead):
        return self.env["showroom.assignment"].search([("lead_id", "=", lead.id)], order="date_from, id")

    def test_created_and_assigned_at_every_door(self):
        lead = self._create_lead()
        rows = self._rows(lead)
        self.assertEqual(
            [(r.reason, r.user_id, r.previous_user_id, bool(r.date_to)) for r in rows],
            [("created", self.consultant, self.env["res.users"], False)],
        )
        self.assertEqual(rows.company_id, self.company)
        # a manager's edit (form or RPC write)
        lead.with_user(self.manager).write({"user_id": self.consultant_2.id})
        # an import (load), on the same record
        lead_xmlid = lead._export_rows([["id"]])[0][0]
        consultant_xmlid = self.consultant._export_rows([["id"]])[0][0]
        result = (
            self.env["crm.lead"].with_user(self.manager).load(["id", "user_id/id"], [[lead_xmlid, consultant_xmlid]])
        )
        self.assertFalse(result["messages"], result["messages"])
        rows = self._rows(lead)
        self.assertEqual(
            [(r.reason, r.user_id, r.previous_user_id) for r in rows],
            [
                ("created", self.consultant, self.env["res.users"]),
                ("assigned", self.consultant_2, self.consultant),
                ("assigned", self.consultant, self.consultant_2),
            ],
        )
        self.assertEqual([bool(r.date_to) for r in rows], [True, True, False])
        self.assertEqual(rows[1].changed_by_id, self.manager)
        # the same holder written again changes nothing
        lead.write({"user_id": self.consultant.id, "name": "Renamed"})
        self.assertEqual(len(self._rows(lead)), 3)

    def test_reason_of_the_code_not_of_the_client(self):
        lead = self._create_lead()
        Assignment = self.env["showroom.assignment"]
        with Assignment._showroom_reason("handed_over", note="Leaving"):
            lead.user_id = self.consultant_2
        # a client's context cannot choose the reason: it is server-side data of the cursor
        lead.with_context(showroom_assignment_reason="ruled").write({"user_id": self.consultant.id})
        self.assertEqual(
            [(r.reason, r.note) for r in self._rows(lead)],
            [("created", False), ("handed_over", "Leaving"), ("assigned", False)],
        )
        with self.assertRaises(ValueError):
            with Assignment._showroom_reason("stolen"):
                pass

    def test_plain_teams_and_leads_have_no_history(self):
        plain = self._create_lead(team_id=self.plain_team.id)
        lead = self._create_lead(type="lead")
        self.assertFalse(self._rows(plain) | self._rows(lead))
        # moved into a showroom team: held from then on
        plain.team_id = self.team
        self.assertEqual(self._rows(plain).mapped("reason"), ["assigned"])

    def test_unassigned_is_the_pool(self):
        lead = self._create_lead()
        with self.env["showroom.assignment"]._showroom_reason("released"):
            lead.user_id = False
        current = self._rows(lead).filtered(lambda r: not r.date_to)
        self.assertEqual(
            (current.reason, current.user_id, current.previous_user_id),
            ("released", self.env["res.users"], self.consultant),
        )

    def test_merge_keeps_the_history(self):
        kept = self._create_lead(name="Kept")
        merged = self._create_lead(name="Merged away", user_id=self.consultant_2.id)
        (kept | merged).with_user(self.manager)._merge_opportunity(user_id=self.consultant_2.id, auto_unlink=True)
        self.assertFalse(merged.exists())
        rows = self._rows(kept)
        self.assertEqual(
            sorted((r.reason, r.user_id.id, r.merged_from or "") for r in rows),
            sorted(
                [
                    ("created", self.consultant.id, ""),
                    ("merged", self.consultant_2.id, ""),
                    ("created", self.consultant_2.id, "Merged away"),
                ]
            ),
        )
        self.assertEqual(len(rows.filtered(lambda r: not r.date_to)), 1)

    def test_one_current_row_per_record(self):
        lead = self._create_lead()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
            self.env["showroom.assignment"].create({"lead_id": lead.id, "user_id": self.consultant_2.id})

    def test_base_customer_holder(self):
        order = self._create_order()
        order.action_confirm()
        self._deliver_order(order)
        self.assertTrue(self.customer.is_base_customer)
        self.customer.with_user(self.manager).user_id = self.consultant_2
        row = self.env["showroom.assignment"].search([("partner_id", "=", self.customer.id), ("date_to", "=", False)])
        self.assertEqual((row.user_id, row.reason), (self.consultant_2, "assigned"))
        # a contact that bought nothing keeps no history
        prospect = self.env["res.partner"].create({"name": "Prospect"})
        prospect.user_id = self.consultant_2
        self.assertFalse(self.env["showroom.assignment"].search([("partner_id", "=", prospect.id)]))

    def test_consultant_reads_only_their_rows(self):
        mine = self._create_lead()
        theirs = self._create_lead(user_id=self.consultant_2.id)
        rows = self.env["showroom.assignment"].with_user(self.consultant).search([])
        self.assertIn(mine, rows.lead_id)
        self.assertNotIn(theirs, rows.lead_id)
        with self.assertRaises(AccessError):
            self.env["showroom.assignment"].with_user(self.manager).create({"lead_id": mine.id})


@tagged("post_install", "-at_install", "crm_showroom", "showroom_ownership")
class TestInspectionHolderOfTheDay(ShowroomFineCase):
    """R8.2: the daily inspection fines the consultant who held the opportunity on
    the inspected day, not the one who holds it when the inspection runs."""

    def test_no_followup_fines_the_holder_of_the_day(self):
        lead = self._lead_without_followup(name="Handed over the next morning")
        kept = self._lead_without_followup(name="Still held")
        with self._at(NEXT_MORNING), self.env["showroom.assignment"]._showroom_reason("handed_over"):
            lead.user_id = self.consultant_2
        fines = self._inspect()
        self.assertEqual(self._breaches(fines), {("no_followup", lead), ("no_followup", kept)})
        self.assertEqual(fines.user_id, self.consultant)

    def test_reassigned_during_the_day_is_the_new_holders(self):
        lead = self._lead_without_followup(name="Handed over at 23:59")
        with self._at(BEFORE_END_OF_DAY):
            lead.user_id = self.consultant_2
        fines = self._inspect()
        self.assertEqual(self._breaches(fines), {("no_followup", lead)})
        self.assertEqual(fines.user_id, self.consultant_2)

    def test_late_followup_fines_the_holder_of_the_day(self):
        lead = self._create_lead(name="Late, then handed over")
        followup = self._open_followups(lead)
        followup.date_deadline = DAY
        with self._at(AFTER_END_OF_DAY):
            lead.user_id = self.consultant_2  # the open follow-up moves with it
        self.assertEqual(followup.user_id, self.consultant_2)
        fines = self._inspect()
        self.assertEqual(self._breaches(fines), {("followup_late", followup)})
        self.assertEqual(fines.user_id, self.consultant)
