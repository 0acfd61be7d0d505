from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomConcurrencyCase
from .common_fine import ShowroomFineCase

# 18:30 UTC is already the next day in Shanghai (11 March, 02:30).
NOW = "2026-03-10 18:30:00"
# First visits, as Shanghai and UTC count the days to NOW:
OLD_VISIT = "2026-02-08 10:00:00"  # 8 Feb 18:00 Shanghai: 31 days (UTC: 30, would be recent)
RECENT_VISIT = "2026-02-08 17:00:00"  # 9 Feb 01:00 Shanghai: 30 days, recent
HOLDER_MOBILE = "+86 138 0013 8000"


@tagged("post_install", "-at_install", "crm_showroom")
@freeze_time(NOW)
class TestConflict(ShowroomFineCase):
    """R7: ownership conflicts between the consultants of one company, opened at
    every door, shown to the claimant without the holder's feedback, ruled by the
    rule book (R7.2) or the showroom manager (R7.1, R7.3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Conflict = cls.env["showroom.conflict"]
        cls.house = mail_new_test_user(
            cls.env, login="sr_house", name="Showroom House", groups="crm_showroom.group_showroom_consultant"
        )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _holder_lead(self, first_visit=OLD_VISIT, **values):
        """The consultant's opportunity of Mr Sun, first registered at ``first_visit``
        (their visit card), with one follow-up done with the customer's feedback."""
        lead = self._create_lead(user=self.consultant, **values)
        self.env["showroom.visit"].with_user(self.consultant).create(
            {"partner_name": "孙先生", "mobile": lead.mobile, "date_in": first_visit}
        )
        self._mark_done(self._open_followups(lead), text="Waits for the spring price drop")
        self.assertEqual(lead.showroom_registered_at.isoformat(sep=" "), first_visit)
        return lead

    def _claim(self, **values):
        """Wang's opportunity of (by default) the same customer as Li's."""
        values.setdefault("mobile", "13800138000")
        return self._create_lead(user=self.consultant_2, user_id=self.consultant_2.id, **values)

    def _conflicts(self):
        return self.Conflict.search([("company_id", "=", self.company.id)])

    # ------------------------------------------------------------
    # OPENING, AT EVERY DOOR
    # ------------------------------------------------------------

    def test_opened_on_create(self):
        holder = self._holder_lead()
        claim = self._claim(mobile="138-0013-8000", contact_name="孙先生")
        conflict = self._conflicts()
        self.assertEqual(len(conflict), 1)
        self.assertRecordValues(
            conflict,
            [
                {
                    "state": "open",
                    "holder_user_id": self.consultant.id,
                    "holder_lead_id": holder.id,
                    "claimant_user_id": self.consultant_2.id,
                    "claimant_lead_id": claim.id,
                    "mobile": HOLDER_MOBILE,
                }
            ],
        )
        # R7.2 in the company's day: 8 Feb (Shanghai) is 31 days before 11 Mar: the manager rules
        self.assertFalse(conflict.ruling)
        # the claimant is told at once who holds the customer and since when
        warning = claim.with_user(self.consultant_2).showroom_conflict_warning
        self.assertIn("held by Li Consultant since 02/08/2026", warning)
        self.assertIn("held by Li Consultant", claim.message_ids[0].body)
        # managers see both claims side by side
        conflict = conflict.with_user(self.manager)
        self.assertEqual(conflict.holder_followup_count, 1)
        self.assertEqual(conflict.holder_last_contact, date(2026, 3, 11))
        self.assertEqual(conflict.holder_visit_count, 1)
        self.assertEqual(conflict.claimant_followup_count, 0)
        self.assertEqual(conflict.holder_channel_id, self.walk_in)

    def test_opened_on_mobile_change_once_per_pair(self):
        self._holder_lead()
        claim = self._claim(mobile="13900139000")
        self.assertFalse(self._conflicts())
        claim.with_user(self.consultant_2).write({"mobile": "13800138000"})
        self.assertEqual(self._conflicts().claimant_lead_id, claim)
        # written again, from either side: still one open conflict of the pair
        claim.with_user(self.consultant_2).write({"mobile": "138 0013 8000"})
        self._conflicts().sudo().holder_lead_id.write({"mobile": "13800138000"})
        self.assertEqual(len(self._conflicts()), 1)

    def test_opened_on_import(self):
        self._holder_lead()
        values = self._lead_values(user_id=self.consultant_2.id, mobile="13800138000")
        fields_ = [
            "name",
            "type",
            "mobile",
            "contact_name",
            "street",
            "showroom_purchase_type",
            "showroom_customer_kind",
            "team_id/.id",
            "user_id/.id",
            "showroom_grade_id/.id",
            "showroom_channel_id/.id",
            "country_id/.id",
            "state_id/.id",
            "city_id/.id",
        ]
        row = [str(values[name.removesuffix("/.id")]) for name in fields_]
        result = self.env["crm.lead"].with_user(self.consultant_2).load(fields_, [row])
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self._conflicts().claimant_lead_id.id, result["ids"][0])

    def test_opened_on_customer_change_by_rpc(self):
        customer = self.env["res.partner"].create({"name": "Sun Li"})
        self._holder_lead(partner_id=customer.id)
        claim = self._claim(mobile="13900139000")
        # what a JSON-RPC write as the consultant does
        claim.with_user(self.consultant_2).write({"partner_id": customer.id})
        self.assertEqual(self._conflicts().claimant_lead_id, claim)

    def test_base_customer_held_by_a_colleague(self):
        buyer = self.env["res.partner"].create(
            {"name": "Chen Bought", "mobile": "13700137000", "country_id": self.china.id, "user_id": self.consultant.id}
        )
        buyer.flush_recordset()
        self.env.cr.execute("UPDATE res_partner SET is_base_customer = TRUE WHERE id = %s", [buyer.id])
        buyer.invalidate_recordset(["is_base_customer"])
        claim = self._claim(mobile="137 0013 7000")
        conflict = self._conflicts()
        self.assertEqual(conflict.holder_partner_id, buyer)
        self.assertEqual(conflict.claimant_lead_id, claim)
        self.assertEqual(conflict.state, "open")
        # the base customer's consultant gets the new opportunity
        with self.assertRaisesRegex(UserError, "reason"):
            conflict.with_user(self.manager)._showroom_rule("holder", "  ")
        conflict.with_user(self.manager)._showroom_rule("holder", "He bought his first car from Li.")
        self.assertEqual(claim.user_id, self.consultant)
        self.assertTrue(claim.active)

    def test_one_open_conflict_per_pair_in_the_database(self):
        """What concurrent checks would both insert, the database refuses once."""
        self._holder_lead()
        self._claim()
        conflict = self._conflicts().sudo()
        values = conflict.copy_data()[0]
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.Conflict.sudo().create(values)
        conflict.state = "ruled"
        conflict.flush_recordset()
        self.assertTrue(self.Conflict.sudo().create(values), "a new conflict once the pair's is ruled")

    def test_not_for_the_same_consultant(self):
        self._holder_lead()
        self._create_lead(user=self.consultant, name="Mr Sun again")
        self.assertFalse(self._conflicts())

    def test_not_across_companies(self):
        self._holder_lead()
        other_company = self.env["res.company"].create({"name": "Shijiazhuang Store", "country_id": self.china.id})
        other_consultant = mail_new_test_user(
            self.env,
            login="sjz_consultant",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
            groups="crm_showroom.group_showroom_consultant",
        )
        other_team = self.env["crm.team"].create(
            {"name": "SJZ Showroom", "is_showroom": True, "company_id": other_company.id}
        )
        self._create_lead(
            team_id=other_team.id, company_id=other_company.id, user_id=other_consultant.id, mobile="13800138000"
        )
        self.assertFalse(self.Conflict.sudo().search([]))

    # ------------------------------------------------------------
    # WHAT THE CLAIMANT SEES
    # ------------------------------------------------------------

    def test_claimant_sees_none_of_the_holders_feedback(self):
        holder = self._holder_lead()
        self._claim()
        conflict = self._conflicts().with_user(self.consultant_2)
        self.assertEqual(conflict.holder_user_id, self.consultant)
        self.assertTrue(conflict.holder_since)
        with self.assertRaises(AccessError):
            holder.with_user(self.consultant_2).read(["showroom_last_feedback"])
        for fname in ("holder_lead_id", "holder_followup_dates", "holder_last_contact", "holder_channel_id"):
            with self.assertRaises(AccessError):
                conflict.read([fname])
        feedback = (
            self.env["mail.activity"]
            .with_user(self.consultant_2)
            .with_context(active_test=False)
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", holder.id)])
        )
        self.assertFalse(feedback)
        # nor does a third consultant see the conflict
        third = mail_new_test_user(self.env, login="sr_c3", groups="crm_showroom.group_showroom_consultant")
        self.assertFalse(self.Conflict.with_user(third).search([]))

    # ------------------------------------------------------------
    # RULINGS
    # ------------------------------------------------------------

    def test_recent_visitor_earlier_registration_wins(self):
        holder = self._holder_lead(first_visit=RECENT_VISIT)
        claim = self._claim()
        conflict = self._conflicts()
        self.assertRecordValues(
            conflict, [{"state": "ruled", "ruling": "auto", "winner_user_id": self.consultant.id, "ruled_by_id": False}]
        )
        self.assertIn("first visited on 02/09/2026, within 30 days", conflict.ruling_reason)
        # the later opportunity is merged into the winner's, its history kept
        self.assertFalse(claim.active)
        self.assertTrue(holder.active)
        self.assertEqual(holder.user_id, self.consultant)
        followups = self._all_followups(holder)
        self.assertEqual(len(followups.filtered(lambda a: not a.active)), 1, "the done follow-up stays")
        self.assertEqual(self._open_followups(holder).user_id, self.consultant)
        self.assertFalse(self._open_followups(claim))
        self.assertFalse(claim.with_user(self.consultant_2).showroom_conflict_warning)
        self.assertNotIn(self.consultant_2.partner_id, holder.message_partner_ids)
        self.assertTrue(holder.message_ids.filtered(lambda m: "earlier registration wins" in (m.body or "")))

    def test_manager_awards_the_claimant(self):
        holder = self._holder_lead()
        claim = self._claim()
        conflict = self._conflicts()
        action = conflict.with_user(self.manager).action_rule_claimant()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Wang met the customer three times, Li never called back."})
        )
        wizard.action_rule()
        self.assertRecordValues(
            conflict,
            [
                {
                    "state": "ruled",
                    "ruling": "claimant",
                    "winner_user_id": self.consultant_2.id,
                    "ruled_by_id": self.manager.id,
                    "ruling_reason": "Wang met the customer three times, Li never called back.",
                }
            ],
        )
        self.assertTrue(conflict.ruled_at)
        # the holder's opportunity merged into the winner's: its follow-up history moves along
        self.assertFalse(holder.active)
        self.assertTrue(claim.active)
        self.assertEqual(len(self._all_followups(claim).filtered(lambda a: not a.active)), 1)
        for record in (conflict, holder, claim):
            self.assertTrue(record.message_ids.filtered(lambda m: "Li never called back" in (m.body or "")))

    def test_manager_gives_the_deal_to_the_company(self):
        holder = self._holder_lead()
        claim = self._claim()
        conflict = self._conflicts().with_user(self.manager)
        with self.assertRaisesRegex(UserError, "house account"):
            conflict._showroom_rule("company", "They cannot agree.")
        self.team.showroom_house_user_id = self.house
        kept = conflict._showroom_rule("company", "They cannot agree.")
        self.assertEqual(kept, holder, "the earlier registration is kept")
        # the house account is no team member: the opportunity stays in the showroom team
        self.assertRecordValues(
            holder, [{"user_id": self.house.id, "team_id": self.team.id, "showroom_commission_excluded": True}]
        )
        self.assertFalse(claim.active)
        self.assertEqual(conflict.winner_user_id, self.house)
        with self.assertRaisesRegex(AccessError, "clears a deal's commission"):
            holder.with_user(self.house).write({"showroom_commission_excluded": False})
        # the holders' history says why the deal changed hands
        history = self.env["showroom.assignment"].search([("lead_id", "=", holder.id), ("user_id", "=", self.house.id)])
        self.assertRecordValues(history, [{"reason": "ruled", "previous_user_id": self.consultant.id}])

    def test_rules_are_the_segment_admins_data(self):
        self.assertRecordValues(
            self.team, [{"showroom_conflict_recent_days": 30, "showroom_conflict_deadline_days": 3}]
        )
        admin = mail_new_test_user(self.env, login="sr_admin", groups="crm_showroom.group_showroom_admin")
        self.team.with_user(admin).write({"showroom_conflict_recent_days": 15, "showroom_house_user_id": self.house.id})
        self.assertEqual(self.team.showroom_conflict_recent_days, 15)
        with self.assertRaises(AccessError):
            self.team.with_user(self.consultant).write({"showroom_conflict_recent_days": 60})

    def test_consultants_cannot_rule(self):
        self._holder_lead()
        self._claim()
        conflict = self._conflicts()
        for user in (self.consultant, self.consultant_2):
            for method in ("action_rule_holder", "action_rule_claimant", "action_rule_company"):
                with self.assertRaisesRegex(AccessError, "Only a showroom manager rules"):
                    getattr(conflict.with_user(user), method)()
            with self.assertRaisesRegex(AccessError, "Only a showroom manager rules"):
                conflict.with_user(user)._showroom_rule("claimant", "Mine")
            with self.assertRaises(AccessError):
                conflict.with_user(user).write({"state": "ruled"})
        self.assertEqual(conflict.state, "open")

    # ------------------------------------------------------------
    # REMINDERS AND VISIT CARDS
    # ------------------------------------------------------------

    def test_reminder_cron_daily_and_idempotent(self):
        self._holder_lead()
        self._claim()
        conflict = self._conflicts()
        self._set_create_date(conflict, "2026-03-08 17:00:00")  # 9 March in Shanghai: 2 days old
        self.Conflict._cron_showroom_conflict_reminders()
        self.assertFalse(conflict.activity_ids, "not past the 3 days yet")
        self._set_create_date(conflict, "2026-03-07 17:00:00")  # 8 March: 3 days old on 11 March
        conflict.invalidate_recordset(["age_days"])
        self.Conflict._cron_showroom_conflict_reminders()
        self.Conflict._cron_showroom_conflict_reminders()
        self.assertEqual(len(conflict.activity_ids), 1)
        self.assertRecordValues(
            conflict.activity_ids, [{"user_id": self.manager.id, "date_deadline": date(2026, 3, 11)}]
        )
        self.assertEqual(conflict.reminded_on, date(2026, 3, 11))
        with freeze_time("2026-03-11 18:30:00"):
            self.Conflict._cron_showroom_conflict_reminders()
        self.assertEqual(len(conflict.activity_ids), 1)
        self.assertEqual(conflict.activity_ids.date_deadline, date(2026, 3, 12))

    def test_visit_card_of_a_held_customer(self):
        holder = self._holder_lead()
        # logged on 11 March (Shanghai) for a visit of the day before: 31 days after the first visit
        card = (
            self.env["showroom.visit"]
            .with_user(self.consultant_2)
            .create({"partner_name": "李女士", "mobile": "13800138000", "date_in": "2026-03-10 03:00:00"})
        )
        self.assertEqual(card.sudo().lead_id, holder)
        conflict = self._conflicts()
        self.assertEqual(conflict.claimant_user_id, self.consultant_2)
        self.assertEqual(card.showroom_conflict_id, conflict)
        self.assertEqual(conflict.sudo().claimant_visit_ids, card)
        # not fined as unmatched while the manager rules (the name differs from the opportunity's)
        self.assertEqual(card.match_state, "mismatch")
        self.assertFalse(self._inspect(users=self.consultant_2).filtered(lambda f: f.res_model == "showroom.visit"))
        # the claimant registers the customer: the same conflict, with their opportunity
        claim = self._claim()
        self.assertEqual(self._conflicts(), conflict)
        self.assertEqual(conflict.claimant_lead_id, claim)
        self.assertEqual(conflict.state, "open")

    def test_screens_of_managers_and_consultants(self):
        self._holder_lead()
        self._claim()
        for user in (self.manager, self.consultant_2):
            views = self.Conflict.with_user(user).get_views([(False, "list"), (False, "form"), (False, "search")])
            form = views["views"]["form"]["arch"]
            self.assertEqual("holder_followup_count" in form, user == self.manager, "the claims' figures: managers'")
            self.Conflict.with_user(user).search([]).web_read({"name": {}, "holder_since": {}, "age_days": {}})
        menu = self.env.ref("crm_showroom.crm_menu_showroom_conflicts")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.consultant)._visible_menu_ids())

    def test_open_conflict_is_one_definition(self):
        """The inspection's SQL condition is built from the Python domain."""
        sql = self.env["showroom.fine.rule"].browse(self.rules["visit_unmatched"].id)._showroom_detector_query()
        self.assertIn('"c"."state" = \'open\'', sql)
        self.assertEqual(self.Conflict._showroom_open_domain(), [("state", "=", "open")])


@tagged("post_install", "-at_install", "crm_showroom")
class TestConflictConcurrency(ShowroomConcurrencyCase):
    """R7 at the database: two consultants enter one customer at the same moment.
    Each transaction's snapshot hides the other's opportunity; the shared key row
    (``showroom.conflict.key``) makes the later one fail with a serialization error,
    which Odoo answers by running the request again: the conflict opens then."""

    def _values(self, team_id, user_id, name):
        with self.registry.cursor() as cr:
            lead = self._env(cr)["crm.lead"].search([("team_id", "=", team_id)], limit=1)
            values = lead.copy_data()[0]
        return dict(values, name=name, user_id=user_id, mobile="13700137000", partner_id=False)

    @mute_logger("odoo.sql_db")
    def test_simultaneous_entries_open_the_conflict(self):
        with self._committed_fixture() as (user_ids, team_id, _lead_id):
            first = self._values(team_id, user_ids[0], "Mr Sun - first")
            second = self._values(team_id, user_ids[1], "Mr Sun - second")
            lead_ids = []
            try:
                with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                    Lead2 = self._env(cr2, user_ids[1])["crm.lead"]
                    Lead2.search_count([])  # the second request's snapshot is taken
                    lead_ids.append(self._env(cr1, user_ids[0])["crm.lead"].create(first).id)
                    cr1.commit()  # pylint: disable=invalid-commit
                    with self.assertRaises(psycopg2.errors.SerializationFailure):
                        Lead2.create(second)
                        cr2.flush()
                    cr2.rollback()
                # Odoo runs the failed request again, in a new transaction
                with self.registry.cursor() as cr3:
                    lead_ids.append(self._env(cr3, user_ids[1])["crm.lead"].create(second).id)
                    cr3.commit()  # pylint: disable=invalid-commit
                    conflicts = self._env(cr3)["showroom.conflict"].search(
                        [("claimant_lead_id", "=", lead_ids[1])]
                    )
                    found = [(c.holder_lead_id.id, c.holder_user_id.id, c.claimant_user_id.id) for c in conflicts]
            finally:
                with self.registry.cursor() as cr:
                    cr.execute("DELETE FROM showroom_conflict WHERE claimant_lead_id = ANY(%s)", [lead_ids])
                    cr.execute(
                        "DELETE FROM mail_activity WHERE res_model = 'crm.lead' AND res_id = ANY(%s)", [lead_ids]
                    )
                    cr.execute("DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s)", [lead_ids])
                    cr.execute("DELETE FROM crm_lead WHERE id = ANY(%s)", [lead_ids])
                    cr.execute("DELETE FROM showroom_conflict_key WHERE key = 'mobile:+86 137 0013 7000'")
                    cr.commit()  # pylint: disable=invalid-commit
        self.assertEqual(found, [(lead_ids[0], user_ids[0], user_ids[1])])
