from datetime import date, datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_showroom.tools.visit import normalize_name, visit_match_state
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ShowroomCase, showroom_demo_missing

MOBILE = "+86 138 0013 8000"


@tagged("post_install", "-at_install", "crm_showroom", "showroom_visit")
class TestVisitTools(BaseCase):
    """R8.1: the visit card against its opportunity, as pure functions."""

    def test_normalize_name(self):
        self.assertEqual(normalize_name(" 孙 先生 "), "孙先生")
        self.assertEqual(normalize_name("Ｓｕｎ  Li"), "sunli")  # full-width letters, as typed on a Chinese keyboard
        self.assertEqual(normalize_name("阿卜杜·热合曼"), "阿卜杜热合曼")
        self.assertEqual(normalize_name(False), "")

    def test_match_state(self):
        self.assertEqual(visit_match_state("孙先生", MOBILE, ("孙先生", False), MOBILE), "matched")
        self.assertEqual(visit_match_state("孙 先生", MOBILE, (False, "孙先生"), MOBILE), "matched")
        self.assertEqual(visit_match_state("孙先生", MOBILE, ("李女士",), MOBILE), "mismatch")
        self.assertEqual(visit_match_state("孙先生", MOBILE, ("孙先生",), "+86 139 0013 8000"), "mismatch")
        self.assertEqual(visit_match_state("孙先生", False, ("孙先生",), MOBILE), "mismatch")
        self.assertEqual(visit_match_state("孙先生", MOBILE, (False, False), False), "mismatch")
        self.assertEqual(visit_match_state("孙先生", MOBILE, (), False, matched=False), "unmatched")


class ShowroomVisitCase(ShowroomCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Visit = cls.env["showroom.visit"]
        cls.lead = cls._create_lead(user=cls.consultant)

    @classmethod
    def _visit(cls, user=None, **values):
        Visit = cls.Visit.with_user(user) if user else cls.Visit
        return Visit.create(
            {"partner_name": "孙先生", "mobile": "138-0013-8000", "user_id": (user or cls.consultant).id, **values}
        )


@tagged("post_install", "-at_install", "crm_showroom", "showroom_visit")
class TestShowroomVisit(ShowroomVisitCase):
    """Visit cards (R2.1, R8.1, R7.2)."""

    def test_one_match_is_linked(self):
        visit = self._visit(user=self.consultant)
        self.assertEqual(visit.mobile, MOBILE, "normalised as on opportunities")
        self.assertEqual(self.lead.mobile, MOBILE)
        self.assertEqual(visit.lead_id, self.lead)
        self.assertEqual(visit.match_state, "matched")
        self.assertEqual(self.lead.showroom_visit_ids, visit)
        self.assertEqual(self.lead.showroom_visit_count, 1)

    def test_several_matches_the_consultant_picks(self):
        other = self._create_lead(user=self.consultant, name="Mr Sun - MPV")
        visit = self._visit(user=self.consultant)
        self.assertFalse(visit.lead_id, "two open opportunities of that mobile: the consultant picks")
        self.assertEqual(visit.lead_candidate_ids, self.lead | other)
        self.assertEqual(visit.match_state, "unmatched")
        visit.with_user(self.consultant).lead_id = other
        self.assertEqual(visit.match_state, "matched")
        # the form offers only the candidates, and the onchange keeps the pick
        with Form(visit.with_user(self.consultant)) as form:
            form.note = "came with his wife"
            self.assertEqual(form.lead_id, other)

    def test_no_match(self):
        # a lost opportunity and another mobile are not the customer's open opportunity
        self.lead.with_user(self.manager).action_set_lost()  # a consultant's would be a request
        visit = self._visit(user=self.consultant)
        self.assertFalse(visit.lead_id)
        self.assertFalse(visit.lead_candidate_ids)
        self.assertEqual(visit.match_state, "unmatched")
        other_mobile = self._visit(user=self.consultant, mobile="139 0013 8000")
        self.assertFalse(other_mobile.lead_id)
        # a colleague's is theirs: the card links to it and opens an ownership conflict (R7)
        theirs = self._create_lead(user=self.consultant_2, user_id=self.consultant_2.id, mobile=MOBILE)
        visit = self._visit(user=self.consultant)
        self.assertEqual(visit.sudo().lead_id, theirs)
        self.assertFalse(visit.lead_candidate_ids)
        self.assertEqual(visit.showroom_conflict_id.holder_user_id, self.consultant_2)

    def test_batch_and_import_link_each_card(self):
        """A day's cards created at once, or imported, find their opportunities like one card."""
        twice = "+86 139 0013 9000"
        self._create_lead(user=self.consultant, mobile=twice, name="Mr Qian - SUV")
        self._create_lead(user=self.consultant, mobile=twice, name="Mr Qian - MPV")
        theirs = self._create_lead(user=self.consultant_2, user_id=self.consultant_2.id, mobile="13700137000")
        visits = self.Visit.create(
            [
                {"partner_name": "孙先生", "mobile": "138 0013 8000", "user_id": self.consultant.id},
                {"partner_name": "钱先生", "mobile": twice, "user_id": self.consultant.id},
                {"partner_name": "孙先生", "mobile": "13700137000", "user_id": self.consultant.id},
                {"partner_name": "孙先生", "mobile": "13700137000", "user_id": self.consultant_2.id},
            ]
        )
        self.assertEqual(visits.mapped("lead_id"), self.lead | theirs)
        # the third card's customer is the colleague's: linked to theirs, in an ownership conflict (R7)
        self.assertEqual([bool(visit.lead_id) for visit in visits], [True, False, True, True])
        self.assertEqual(visits[2].showroom_conflict_id.claimant_user_id, self.consultant)
        result = self.Visit.with_user(self.consultant).load(
            ["partner_name", "mobile", "date_in"], [["孙先生", "13800138000", "2026-03-10 02:00:00"]]
        )
        self.assertFalse(result["messages"])
        imported = self.Visit.browse(result["ids"])
        self.assertEqual(imported.lead_id, self.lead)
        self.assertEqual(imported.user_id, self.consultant)

    def test_onchange_finds_the_opportunity(self):
        with Form(self.Visit.with_user(self.consultant)) as form:
            form.partner_name = "孙先生"
            form.mobile = "13800138000"
            self.assertEqual(form.mobile, MOBILE)
            self.assertEqual(form.lead_id, self.lead)
            form.mobile = "13900138000"
            self.assertFalse(form.lead_id)
            form.mobile = "138 0013 8000"
        self.assertEqual(form.record.lead_id, self.lead)

    def test_linked_later_when_the_mobile_is_given(self):
        visit = self._visit(user=self.consultant, mobile=False)
        self.assertFalse(visit.lead_id)
        visit.with_user(self.consultant).mobile = "13800138000"
        self.assertEqual(visit.lead_id, self.lead)

    def test_mismatch(self):
        visit = self._visit(user=self.consultant, partner_name="孙 先生")
        self.assertEqual(visit.match_state, "matched", "blanks do not make a different name")
        visit.partner_name = "李女士"
        self.assertEqual(visit.match_state, "mismatch")
        visit.partner_name = "孙先生"
        self.lead.mobile = "13900138000"
        self.assertEqual(visit.match_state, "mismatch", "the opportunity's mobile changed")
        self.assertEqual(
            self.Visit.search([("match_state", "=", "mismatch"), ("user_id", "=", self.consultant.id)]), visit
        )

    def test_bad_mobile_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a mainland-China mobile"):
            self._visit(user=self.consultant, mobile="12345")
        visit = self._visit(user=self.consultant)
        with self.assertRaisesRegex(ValidationError, "not a mainland-China mobile"):
            visit.mobile = "110"
        self.assertEqual(visit.mobile, MOBILE)

    def test_bad_values_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._visit(user=self.consultant, party_size=0)
        with self.assertRaisesRegex(ValidationError, "showroom team"):
            plain = self._create_lead(team_id=self.plain_team.id)
            self._visit(lead_id=plain.id)

    def test_create_opportunity_from_visit(self):
        product = self.env["product.product"].create({"name": "SUV 2.0T", "list_price": 200000})
        visit = self._visit(
            user=self.consultant,
            mobile="15000150000",
            partner_name="周女士",
            product_id=product.id,
            test_drive=True,
            date_in="2026-03-10 02:00:00",
            note="Blue coat",
        )
        self.assertEqual(visit.match_state, "unmatched")
        action = visit.with_user(self.consultant).action_create_opportunity()
        # the card does not know the grade nor the address: the form opens filled in
        self.assertEqual(action["res_model"], "crm.lead")
        context = action["context"]
        self.assertEqual(context["default_contact_name"], "周女士")
        self.assertEqual(context["default_mobile"], "+86 150 0015 0000")
        self.assertEqual(context["default_showroom_product_id"], product.id)
        self.assertEqual(context["default_showroom_test_drive"], "done")
        self.assertEqual(context["default_team_id"], self.team.id)
        self.assertEqual(context["default_showroom_channel_id"], self.walk_in.id)
        Lead = self.env["crm.lead"].with_user(self.consultant).with_context(**context)
        with Form(Lead) as form:
            form.showroom_grade_id = self.grades["H"]
            form.showroom_purchase_type = "first"
            form.state_id = self.hebei
            form.city_id = self.county
            form.street = "中山路 1 号"
        lead = form.record
        self.assertEqual(visit.lead_id, lead, "saving the form links the card")
        self.assertEqual(visit.match_state, "matched")
        self.assertEqual(lead.user_id, self.consultant)
        self.assertEqual(lead.showroom_product_id, product)
        self.assertEqual(lead.showroom_test_drive_date, datetime(2026, 3, 10, 2, 0))
        self.assertEqual(lead.expected_revenue, 200000)
        self.assertEqual(lead.showroom_registered_at, datetime(2026, 3, 10, 2, 0))
        with self.assertRaisesRegex(UserError, "already linked"):
            visit.action_create_opportunity()

    def test_registration_time_is_the_first_visit(self):
        lead = self._create_lead(user=self.consultant, mobile="15000150000")
        created = lead.create_date
        self.assertEqual(lead.showroom_registered_at, created)
        self._visit(mobile="15000150000", date_in=created + timedelta(days=2))
        self.assertEqual(lead.showroom_registered_at, created, "a later visit changes nothing")
        earlier = self._visit(mobile="15000150000", date_in=created - timedelta(days=2))
        self.assertEqual(earlier.lead_id, lead)
        self.assertEqual(lead.showroom_registered_at, earlier.date_in, "the first visit registered him")
        self.assertEqual(
            self.env["crm.lead"].search(
                [("showroom_registered_at", "<", created), ("id", "in", (lead | self.lead).ids)]
            ),
            lead,
        )
        earlier.unlink()
        self.assertEqual(lead.showroom_registered_at, created)

    def test_visit_day_is_the_consultants(self):
        """The visit day is the consultant's calendar day (Shanghai: UTC+8), else the company's."""
        before = self._visit(date_in="2026-03-10 15:59:00")
        after = self._visit(date_in="2026-03-10 16:01:00")
        self.assertEqual(before.visit_date, date(2026, 3, 10))
        self.assertEqual(after.visit_date, date(2026, 3, 11))
        no_tz = mail_new_test_user(
            self.env, login="sr_no_tz", name="No TZ", tz=False, groups="crm_showroom.group_showroom_consultant"
        )
        no_tz.tz = False
        self.company.showroom_tz = "Europe/Paris"  # UTC+1 in March
        in_paris = self._visit(user=no_tz, date_in="2026-03-10 22:59:00")
        self.assertEqual(in_paris.visit_date, date(2026, 3, 10))
        in_paris.date_in = "2026-03-10 23:01:00"
        self.assertEqual(in_paris.visit_date, date(2026, 3, 11))
        with freeze_time("2026-03-10 16:01:00"):
            now = self.Visit.with_user(self.consultant).with_context(tz="UTC").create({"partner_name": "王先生"})
        self.assertEqual(now.visit_date, date(2026, 3, 11), "never the context's time zone")

    def test_merge_moves_the_visits(self):
        other = self._create_lead(user=self.consultant, name="Mr Sun again")
        visit = self._visit(user=self.consultant, lead_id=other.id)
        merged = (self.lead | other)._merge_opportunity(auto_unlink=True, max_length=0)
        self.assertEqual(visit.lead_id, merged)
        self.assertEqual(merged.showroom_visit_count, 1)

    def test_opportunity_smart_button(self):
        visit = self._visit(user=self.consultant)
        action = self.lead.with_user(self.consultant).action_showroom_open_visits()
        self.assertEqual(self.env["showroom.visit"].with_user(self.consultant).search(action["domain"]), visit)
        self.assertEqual(action["context"]["default_lead_id"], self.lead.id)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_visit", "showroom_security")
class TestShowroomVisitSecurity(ShowroomVisitCase):
    """G5: consultants log and see their own visit cards; managers (reception) all of
    their companies'; other companies' cards are invisible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls._visit(user=cls.consultant)
        cls.theirs = cls._visit(user=cls.consultant_2, partner_name="李女士", mobile="13900139000")

    def test_consultant_sees_and_edits_own_visits_only(self):
        Visit = self.Visit.with_user(self.consultant)
        self.assertEqual(Visit.search([("id", "in", (self.mine | self.theirs).ids)]), self.mine)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.consultant).read(["partner_name"])
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.consultant).write({"note": "not mine"})
        self.mine.with_user(self.consultant).write({"note": "came back on Sunday"})
        self.assertEqual(self.mine.note, "came back on Sunday")

    def test_consultant_cannot_log_a_visit_for_a_colleague(self):
        with self.assertRaises(AccessError):
            self.Visit.with_user(self.consultant).create({"partner_name": "王先生", "user_id": self.consultant_2.id})
        with self.assertRaises(AccessError):
            self.mine.with_user(self.consultant).write({"user_id": self.consultant_2.id})

    def test_manager_logs_and_sees_all(self):
        Visit = self.Visit.with_user(self.manager)
        self.assertEqual(Visit.search([("id", "in", (self.mine | self.theirs).ids)]), self.mine | self.theirs)
        visit = Visit.create({"partner_name": "王先生", "mobile": "13800138000", "user_id": self.consultant.id})
        self.assertEqual(visit.lead_id, self.lead, "the consultant's opportunity, found for reception")

    def test_other_company_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Showroom", "country_id": self.china.id})
        foreign = self.Visit.create(
            {"partner_name": "赵先生", "user_id": self.manager.id, "company_id": other_company.id}
        )
        self.assertFalse(self.Visit.with_user(self.manager).search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.manager).read(["partner_name"])

    def test_no_access_without_showroom_group(self):
        user = mail_new_test_user(self.env, login="sr_plain", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Visit.with_user(user).search([])


@tagged("post_install", "-at_install", "crm_showroom", "showroom_visit", "showroom_demo")
class TestShowroomVisitDemo(TransactionCase):
    """The demo's day of visit cards: matched ones, one unmatched, one mismatched."""

    def test_demo_visits(self):
        visit = self.env.ref("crm_showroom.visit_li_suv", raise_if_not_found=False)
        if not visit:
            showroom_demo_missing(self)
        self.assertEqual(visit.lead_id, self.env.ref("crm_showroom.lead_li_suv"))
        self.assertEqual(visit.match_state, "matched")
        self.assertEqual(visit.mobile, "+86 138 0312 7561")
        self.assertEqual(self.env.ref("crm_showroom.visit_ma_walk_in").match_state, "unmatched")
        mismatch = self.env.ref("crm_showroom.visit_yang_sedan")
        self.assertEqual(mismatch.lead_id, self.env.ref("crm_showroom.lead_yang_sedan"))
        self.assertEqual(mismatch.match_state, "mismatch")
        visits = self.env["showroom.visit"].search(
            [("company_id", "=", self.env.ref("crm_showroom.company_showroom").id)]
        )
        self.assertEqual(visits.mapped("match_state").count("matched"), 5)
        consultant = self.env.ref("crm_showroom.user_consultant1")
        self.assertEqual(
            self.env["showroom.visit"].with_user(consultant).search([]).user_id,
            consultant,
            "a demo consultant sees their own cards",
        )
