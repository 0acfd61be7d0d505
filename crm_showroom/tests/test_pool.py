from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase, ShowroomConcurrencyCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_pool")
class TestPool(ShowroomCase):
    """G4: the customer pool — the release of opportunities not followed up in time
    (``crm.lead._cron_showroom_pool_release``), its date (``showroom_release_date``)
    and the claims (``action_showroom_pool_claim``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the release covers the whole database: keep other showroom teams (demo data) out
        cls.env["crm.team"].search([("id", "!=", cls.team.id)]).is_showroom = False
        cls.team.write(
            {
                "showroom_pool_grace_days": 7,
                "showroom_pool_daily_claim_cap": 2,
                "showroom_pool_holding_cap": 50,
                "showroom_pool_cooloff_days": 30,
            }
        )
        cls.outsider = cls._new_consultant("sr_outsider", "Zhou Outsider")
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Other Showroom", "is_showroom": True, "member_ids": [(6, 0, cls.outsider.ids)]}
        )
        cls.cron = cls.env.ref("crm_showroom.ir_cron_pool_release")

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _lead_at(self, when, **values):
        """An opportunity created (and registered) at the UTC time ``when``;
        ``create_date`` is the transaction's time, which freeze_time does not move."""
        with freeze_time(when):
            lead = self._create_lead(**values)
            self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %(when)s, showroom_registered_at = %(when)s WHERE id = %(id)s",
            {"when": datetime.fromisoformat(when), "id": lead.id},
        )
        lead.invalidate_recordset()
        self.env.add_to_compute(lead._fields["showroom_release_date"], lead)
        lead.flush_recordset()
        return lead

    def _release(self, when):
        """Run the pool release as its cron job does: the cron's user, an empty context."""
        with freeze_time(when):
            released = self.env(user=self.cron.user_id, context={})["crm.lead"]._cron_showroom_pool_release()
            self.env.flush_all()
        return released

    def _claim(self, lead, user, when):
        with freeze_time(when):
            lead.with_user(user).action_showroom_pool_claim()
            self.env.flush_all()

    def _messages(self, lead, text):
        return self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("body", "ilike", text)]
        )

    # ------------------------------------------------------------
    # RELEASE DATE
    # ------------------------------------------------------------

    def test_release_date_in_the_holders_day(self):
        """Registered at 18:30 UTC on March 1st, which is already March 2nd in Shanghai:
        grade A (7 days) + 7 days of grace, the release falls on March 17th."""
        lead = self._lead_at("2026-03-01 18:30:00")
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 17))
        with freeze_time("2026-03-14 18:30:00"):  # Shanghai: March 15th
            lead.invalidate_recordset(["showroom_release_days"])
            self.assertEqual(lead.showroom_release_days, 2)
        with freeze_time("2026-03-14 03:00:00"):  # Shanghai: March 14th
            lead.invalidate_recordset(["showroom_release_days"])
            self.assertEqual(lead.showroom_release_days, 3)
        found = self.env["crm.lead"].search([("showroom_release_date", "<=", date(2026, 3, 17)), ("id", "=", lead.id)])
        self.assertEqual(found, lead, "the release date is stored: searchable and sortable")

    def test_release_date_follows_done_followups_grade_and_grace(self):
        lead = self._lead_at("2026-03-01 02:00:00")
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 16))
        with freeze_time("2026-03-05 18:30:00"):  # done on March 6th, the consultant's day
            self._mark_done(self._open_followups(lead).with_user(self.consultant))
            self.env.flush_all()
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 21))
        with freeze_time("2026-03-06 02:00:00"):
            lead.showroom_grade_id = self.grades["H"]  # every 2 days
            self.env.flush_all()
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 16))
        self.team.showroom_pool_grace_days = 3
        self.env.flush_all()
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 12))

    # ------------------------------------------------------------
    # RELEASE
    # ------------------------------------------------------------

    def test_release_after_interval_and_grace_exactly_once(self):
        lead = self._lead_at("2026-03-01 02:00:00")  # release on March 16th (Shanghai)
        followup = self._open_followups(lead)
        self.assertEqual(self._release("2026-03-15 03:00:00"), 0, "March 15th in Shanghai: not yet")
        self.assertEqual(lead.user_id, self.consultant)
        # 18:30 UTC on March 15th is March 16th in Shanghai: released, though UTC says the 15th
        self.assertEqual(self._release("2026-03-15 18:30:00"), 1)
        self.assertFalse(lead.user_id)
        self.assertFalse(lead.showroom_release_date)
        row = self.env["showroom.assignment"].search([("lead_id", "=", lead.id), ("date_to", "=", False)])
        self.assertEqual((row.reason, row.previous_user_id, row.user_id.id), ("released", self.consultant, False))
        self.assertEqual(len(self._messages(lead, "Returned to the pool")), 1)
        notified = self.env["mail.message"].search(
            [("partner_ids", "in", self.consultant.partner_id.ids), ("subject", "ilike", "returned to the pool")]
        )
        self.assertEqual(len(notified), 1)
        self.assertIn(lead.name, notified.body)
        # R4.1: the open follow-up stays open, with the team's leader meanwhile
        self.assertTrue(followup.active)
        self.assertEqual(followup.user_id, self.manager)
        # later runs release nothing twice, log nothing twice
        self.assertEqual(self._release("2026-03-16 03:00:00"), 0)
        self.assertEqual(self._release("2026-03-16 18:30:00"), 0)
        self.assertEqual(len(self._messages(lead, "Returned to the pool")), 1)
        self.assertEqual(
            self.env["showroom.assignment"].search_count([("lead_id", "=", lead.id), ("reason", "=", "released")]), 1
        )

    def test_done_followup_keeps_the_customer(self):
        lead = self._lead_at("2026-03-01 02:00:00")
        with freeze_time("2026-03-14 02:00:00"):
            self._mark_done(self._open_followups(lead).with_user(self.consultant))
            self.env.flush_all()
        self.assertEqual(self._release("2026-03-20 18:30:00"), 0)
        self.assertEqual(lead.user_id, self.consultant)

    def test_cron_job_runs_the_release(self):
        self._lead_at("2026-03-01 02:00:00")
        self.assertEqual(self.cron.code.strip(), "model._cron_showroom_pool_release()")
        self.assertEqual(self.cron.model_id.model, "crm.lead")

    # ------------------------------------------------------------
    # CLAIMS
    # ------------------------------------------------------------

    def _pool_lead(self, name="Pool customer", when="2026-03-01 02:00:00", **values):
        return self._lead_at(when, name=name, user_id=False, **values)

    def test_claim_gives_the_48_hour_followup(self):
        lead = self._pool_lead()
        old = self._open_followups(lead)
        self.assertEqual(old.user_id, self.manager, "an unassigned opportunity's follow-up is the team leader's")
        self._claim(lead, self.consultant, "2026-03-10 18:30:00")  # March 11th in Shanghai
        self.assertEqual(lead.user_id, self.consultant)
        self.assertFalse(old.active)
        self.assertEqual(old.showroom_closed_reason, "claimed")
        new = self._open_followups(lead)
        self.assertEqual(len(new), 1)
        self.assertEqual((new.user_id, new.date_deadline), (self.consultant, date(2026, 3, 13)))
        row = self.env["showroom.assignment"].search([("lead_id", "=", lead.id), ("date_to", "=", False)])
        self.assertEqual((row.reason, row.user_id), ("claimed", self.consultant))
        # the claimant starts afresh: March 11th + 7 + 7 + 1
        self.assertEqual(lead.showroom_release_date, date(2026, 3, 26))
        self.assertEqual(self._release("2026-03-11 18:30:00"), 0)

    def test_claimed_followup_reads_as_claimed(self):
        """The claimant's form lists the follow-up the claim closed, with its status
        (reading it raised "Wrong value for mail.activity.showroom_status")."""
        lead = self._pool_lead()
        old = self._open_followups(lead)
        self._claim(lead, self.consultant, "2026-03-10 18:30:00")
        followups = lead.with_user(self.consultant).showroom_followup_ids
        self.assertIn(old, followups)
        self.assertEqual(followups.filtered(lambda act: act.id == old.id).showroom_status, "claimed")

    def test_daily_claim_cap_in_the_consultants_day(self):
        leads = [self._pool_lead(name=f"Pool {i}", mobile=f"1380013801{i}") for i in range(4)]
        self._claim(leads[0], self.consultant, "2026-03-10 03:00:00")
        self._claim(leads[1], self.consultant, "2026-03-10 15:00:00")
        with freeze_time("2026-03-10 15:30:00"), self.assertRaisesRegex(UserError, "2 customers a day"):
            leads[2].with_user(self.consultant).action_showroom_pool_claim()
        self.assertFalse(leads[2].user_id)
        # 16:30 UTC is the next day in Shanghai: a new day's claims
        self._claim(leads[2], self.consultant, "2026-03-10 16:30:00")
        self.assertEqual(leads[2].user_id, self.consultant)

    def test_holding_cap(self):
        held = self.env["crm.lead"].search_count(
            [*self.env["crm.lead"]._showroom_open_domain(), ("user_id", "=", self.consultant.id)]
        )
        self.team.showroom_pool_holding_cap = held + 1
        first, second = self._pool_lead(name="First"), self._pool_lead(name="Second", mobile="13800138011")
        self._claim(first, self.consultant, "2026-03-10 02:00:00")
        with freeze_time("2026-03-10 02:00:00"), self.assertRaisesRegex(UserError, "at most"):
            second.with_user(self.consultant).action_showroom_pool_claim()
        self.assertFalse(second.user_id)

    def test_cooloff_after_losing_a_customer(self):
        lead = self._lead_at("2026-03-01 02:00:00")
        self.assertEqual(self._release("2026-03-15 18:30:00"), 1)
        with freeze_time("2026-03-20 02:00:00"), self.assertRaisesRegex(UserError, "You lost"):
            lead.with_user(self.consultant).action_showroom_pool_claim()
        self.assertFalse(lead.user_id)
        self._claim(lead, self.consultant, "2026-04-15 02:00:00")  # 31 days later
        self.assertEqual(lead.user_id, self.consultant)

    def test_cooloff_does_not_stop_a_colleague(self):
        lead = self._lead_at("2026-03-01 02:00:00")
        self._release("2026-03-15 18:30:00")
        self._claim(lead, self.consultant_2, "2026-03-16 02:00:00")
        self.assertEqual(lead.user_id, self.consultant_2)

    def test_claim_outside_team_or_company_refused(self):
        lead = self._pool_lead()
        with freeze_time("2026-03-10 02:00:00"), self.assertRaises(AccessError):
            lead.with_user(self.outsider).action_showroom_pool_claim()
        other_company = self.env["res.company"].create({"name": "Shijiazhuang Store", "country_id": self.china.id})
        stranger = mail_new_test_user(
            self.env, login="sjz_pool", company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
            groups="crm_showroom.group_showroom_consultant",
        )
        self.team.member_ids |= stranger
        lead.company_id = self.env.company
        with freeze_time("2026-03-10 02:00:00"), self.assertRaises(AccessError):
            lead.with_user(stranger).action_showroom_pool_claim()
        self.assertFalse(lead.user_id)

    def test_claimed_lead_cannot_be_claimed_again(self):
        lead = self._pool_lead()
        self._claim(lead, self.consultant, "2026-03-10 02:00:00")
        with freeze_time("2026-03-10 02:00:00"), self.assertRaises(UserError):
            lead.with_user(self.consultant_2).action_showroom_pool_claim()
        self.assertEqual(lead.user_id, self.consultant)

    # ------------------------------------------------------------
    # SECURITY
    # ------------------------------------------------------------

    def test_pool_menu_lists_my_teams_pool(self):
        lead = self._pool_lead()
        held = self._lead_at("2026-03-01 02:00:00", name="Held")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_showroom.crm_lead_action_showroom_pool")
        my_teams = [("team_id.member_ids", "in", [self.consultant.id])]  # the "My Teams' Pool" filter
        Lead = self.env["crm.lead"].with_user(self.consultant)
        found = Lead.search(safe_eval(action["domain"]) + my_teams)
        self.assertIn(lead, found)
        self.assertNotIn(held, found)
        self.assertFalse(Lead.with_user(self.outsider).search(safe_eval(action["domain"]) + [("id", "=", lead.id)]))

    def test_pool_readers_see_no_feedback(self):
        """What a colleague learnt from the customer stays the holders': reading an
        activity of someone else's opportunity takes write access to it (mail's
        ``_mail_post_access``), which the pool does not give."""
        lead = self._lead_at("2026-03-01 02:00:00", user_id=self.consultant_2.id)
        with freeze_time("2026-03-02 02:00:00"):
            self._mark_done(self._open_followups(lead).with_user(self.consultant_2), text="Secret price talk")
            self.env.flush_all()
        self.assertEqual(self._release("2026-03-20 18:30:00"), 1)
        as_consultant = lead.with_user(self.consultant)
        self.assertEqual(as_consultant.name, lead.name, "the pool is readable")
        Activity = self.env["mail.activity"].with_user(self.consultant).with_context(active_test=False)
        self.assertFalse(Activity.search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]))
        self.assertFalse(as_consultant.showroom_last_feedback)
        self._claim(lead, self.consultant, "2026-03-21 02:00:00")
        as_consultant.invalidate_recordset()
        self.assertIn("Secret price talk", as_consultant.showroom_last_feedback, "the holder reads the history")

    def test_consultants_read_their_teams_pool_only(self):
        lead = self._pool_lead()
        Lead = self.env["crm.lead"]
        self.assertIn(lead, Lead.with_user(self.consultant).search([("user_id", "=", False)]))
        self.assertNotIn(lead, Lead.with_user(self.outsider).search([("user_id", "=", False)]))
        with self.assertRaises(AccessError):
            lead.with_user(self.outsider).read(["name"])
        # read only until claimed: no edit, no assignment to oneself or a colleague
        for values in ({"name": "Edited"}, {"user_id": self.consultant.id}, {"user_id": self.consultant_2.id}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                lead.with_user(self.consultant).write(values)
        # outside showroom teams, stock Odoo: unassigned leads are everyone's
        plain = Lead.create({"name": "Plain", "type": "opportunity", "team_id": self.plain_team.id, "user_id": False})
        plain.with_user(self.outsider).write({"name": "Plain, edited"})


@tagged("post_install", "-at_install", "crm_showroom", "showroom_pool")
class TestPoolConcurrency(ShowroomConcurrencyCase):
    """G4 at the database: two transactions at once (two cursors, committed data:
    their commits are the test's point). The test's own transaction writes nothing:
    it would hold locks the others wait for."""

    @mute_logger("odoo.sql_db")
    def test_concurrent_releases_release_once(self):
        with self._committed_fixture() as (_users, _team, lead_id), freeze_time("2026-03-15 18:30:00"):
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                first = self._env(cr1)["crm.lead"]._cron_showroom_pool_release()
                cr1.flush()
                second = self._env(cr2)["crm.lead"]._cron_showroom_pool_release()  # while cr1 holds the row
                cr1.commit()  # pylint: disable=invalid-commit
                cr2.commit()  # pylint: disable=invalid-commit
            with self.registry.cursor() as cr3:
                third = self._env(cr3)["crm.lead"]._cron_showroom_pool_release()
                env = self._env(cr3)
                messages = env["mail.message"].search_count(
                    [("model", "=", "crm.lead"), ("res_id", "=", lead_id), ("body", "ilike", "Returned to the pool")]
                )
                rows = env["showroom.assignment"].search_count([("lead_id", "=", lead_id), ("reason", "=", "released")])
                holder = env["crm.lead"].browse(lead_id).user_id
        self.assertEqual((first, second, third), (1, 0, 0))
        self.assertEqual((messages, rows), (1, 1))
        self.assertFalse(holder)

    @mute_logger("odoo.sql_db")
    def test_simultaneous_claims_one_wins(self):
        with self._committed_fixture() as (user_ids, _team, lead_id), freeze_time("2026-03-15 18:30:00"):
            with self.registry.cursor() as cr:
                self._env(cr)["crm.lead"]._cron_showroom_pool_release()
                cr.commit()  # pylint: disable=invalid-commit
            with freeze_time("2026-04-20 02:00:00"):  # past the cool-off of the first consultant
                with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                    lead1 = self._env(cr1, user_ids[0])["crm.lead"].browse(lead_id)
                    lead2 = self._env(cr2, user_ids[1])["crm.lead"].browse(lead_id)
                    lead1.action_showroom_pool_claim()
                    cr1.flush()
                    with self.assertRaisesRegex(UserError, "A colleague has just claimed"):
                        lead2.action_showroom_pool_claim()
                    cr1.commit()  # pylint: disable=invalid-commit
                    cr2.rollback()
                with self.registry.cursor() as cr3:
                    holder = self._env(cr3)["crm.lead"].browse(lead_id).user_id.id
                    claims = self._env(cr3)["showroom.assignment"].search_count(
                        [("lead_id", "=", lead_id), ("reason", "=", "claimed")]
                    )
        self.assertEqual((holder, claims), (user_ids[0], 1))
