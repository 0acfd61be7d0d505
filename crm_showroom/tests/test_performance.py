from freezegun import freeze_time

from odoo.tests import tagged, users

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_performance")
@freeze_time("2026-03-10 02:00:00")
class TestPerformance(ShowroomCase):
    """Query counts of the consultant's two everyday writes. A rising number
    means a query per record crept in.

    Creating an opportunity costs Odoo's own queries (crm's predictive lead
    scoring among them, whose count depends on the scoring data in the database)
    plus the showroom rules' own: the latter are pinned, as the difference with
    the same opportunity created in a team without showroom rules."""

    # the same for 1 and for 20 opportunities; one of them reads the time zone of the
    # showroom's day, one looks for the running campaigns the new leads carry (R6.3);
    # two compute the day the opportunities return to the pool (G4: the release query,
    # before and after the holders' history row); three look for a colleague holding
    # the customer (R7: opportunities by mobile or customer, base customers, their holders);
    # one writes the ownership check's key rows (R7 under concurrency)
    SHOWROOM_CREATE_QUERIES = 21

    def _queries_of(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    @users("sr_consultant")
    def test_query_count_create_opportunity(self):
        Lead = self.env["crm.lead"]
        Lead.create(self._lead_values(name="warm-up"))
        Lead.create(self._lead_values(name="warm-up", team_id=self.plain_team.id))
        stock = self._queries_of(lambda: Lead.create(self._lead_values(name="stock", team_id=self.plain_team.id)))
        self.env.invalidate_all()
        with self.assertQueryCount(sr_consultant=stock + self.SHOWROOM_CREATE_QUERIES):
            Lead.create(self._lead_values(name="measured"))

    @users("sr_consultant")
    def test_query_count_create_many_opportunities_is_batched(self):
        Lead = self.env["crm.lead"]
        Lead.create(self._lead_values(name="warm-up"))
        Lead.create(self._lead_values(name="warm-up", team_id=self.plain_team.id))
        stock = self._queries_of(
            lambda: Lead.create([self._lead_values(name=f"stock {i}", team_id=self.plain_team.id) for i in range(20)])
        )
        self.env.invalidate_all()
        with self.assertQueryCount(sr_consultant=stock + self.SHOWROOM_CREATE_QUERIES):
            Lead.create([self._lead_values(name=f"batch {i}") for i in range(20)])

    @users("sr_consultant")
    def test_query_count_mark_followup_done(self):
        leads = self.env["crm.lead"].create([self._lead_values(name=f"lead {i}") for i in range(2)])
        followups = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)], order="res_id"
        )
        self._mark_done(followups[0])  # warm-up
        self.env.invalidate_all()
        followups[1].showroom_feedback_reason_ids = self.reason_price
        # 33 (26 before issues 14 and 16): whether it is the opportunity's first done follow-up
        # (G6, the hours to it: one query, as the system), G5's company check of the opportunity's
        # grade and channel (check_company) and the day the opportunity returns to the pool, from
        # the done follow-up (G4); measured on a fresh database
        with self.assertQueryCount(sr_consultant=33):
            followups[1].action_feedback(feedback="Will come back with his wife on Saturday")
