from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_entry")
class TestEntryStandard(ShowroomCase):
    """R2.2/R5.2: required fields of showroom opportunities; R2.5-R2.8: channels,
    companions and county; R5.3: contact channels validated; nothing is saved when
    an error is raised."""

    def _assert_refused(self, message, **overrides):
        count = self.env["crm.lead"].search_count([])
        activities = self.env["mail.activity"].search_count([])
        with self.assertRaisesRegex(ValidationError, message):
            self._create_lead(**overrides)
        self.assertEqual(self.env["crm.lead"].search_count([]), count, "no opportunity is saved")
        self.assertEqual(self.env["mail.activity"].search_count([]), activities, "no follow-up is saved")

    def test_complete_opportunity_is_saved(self):
        lead = self._create_lead()
        self.assertEqual(lead.showroom_grade_id, self.grades["A"])
        self.assertEqual(lead.city_id, self.county)

    def test_required_fields(self):
        cases = {
            "showroom_grade_id": "Grade",
            "mobile": "Mobile",
            "showroom_channel_id": "Source channel",
            "showroom_purchase_type": "Purchase type",
            "showroom_customer_kind": "Customer type",
            "street": "Street",
            "city_id": "County / District",
            "contact_name": "Contact Name",
        }
        for fname, label in cases.items():
            with self.subTest(field=fname):
                self._assert_refused(f"cannot be saved without: {label}", **{fname: False})

    def test_all_missing_fields_listed_at_once(self):
        with self.assertRaisesRegex(ValidationError, "without: Grade, .*Mobile, .*Street"):
            self._create_lead(showroom_grade_id=False, mobile=False, street=False)

    def test_customer_name_for_companies(self):
        self._assert_refused("Company Name", showroom_customer_kind="company", partner_name=False)
        lead = self._create_lead(showroom_customer_kind="company", partner_name="定州运输有限公司", contact_name=False)
        self.assertEqual(lead.partner_name, "定州运输有限公司")
        company = self.env["res.partner"].create({"name": "Hebei Logistics", "is_company": True})
        lead = self._create_lead(showroom_customer_kind="company", partner_id=company.id, contact_name=False)
        self.assertEqual(lead.partner_id, company)

    def test_channel_companions(self):
        self._assert_refused("Referring customer", showroom_channel_id=self.referral.id)
        lead = self._create_lead(showroom_channel_id=self.referral.id, showroom_referrer_id=self.old_customer.id)
        self.assertEqual(lead.showroom_referrer_id, self.old_customer)
        self._assert_refused(
            "Introducer", showroom_channel_id=self.env.ref("crm_showroom.channel_introduction").id
        )
        self._assert_refused(
            "Sub-dealer", showroom_channel_id=self.env.ref("crm_showroom.channel_second_network").id
        )
        with self.assertRaisesRegex(ValidationError, "Referring customer"):
            lead.showroom_referrer_id = False

    def test_admin_channel_with_companion(self):
        channel = self.env["showroom.source.channel"].create({"name": "Auto show", "companion": "introducer"})
        self._assert_refused("Introducer", showroom_channel_id=channel.id)

    def test_city_required_for_countries_without_city_list(self):
        self.env.ref("base.fr").enforce_cities = False
        self._assert_refused(
            "City", country_id=self.env.ref("base.fr").id, state_id=False, city_id=False, city=False,
            mobile="+33 6 12 34 56 78",
        )
        lead = self._create_lead(
            country_id=self.env.ref("base.fr").id, state_id=False, city_id=False, city="Lyon", mobile="+33612345678"
        )
        self.assertEqual(lead.city, "Lyon")

    def test_county_fills_address(self):
        with Form(self.env["crm.lead"].with_context(default_type="opportunity")) as lead_form:
            lead_form.team_id = self.team
            lead_form.name = "Form lead"
            lead_form.contact_name = "周女士"
            lead_form.mobile = "139 1234 5678"
            lead_form.showroom_grade_id = self.grades["B"]
            lead_form.showroom_channel_id = self.walk_in
            lead_form.showroom_purchase_type = "replacement"
            lead_form.city_id = self.county
            lead_form.street = "兴定路 1 号"
        lead = lead_form.record
        self.assertEqual(lead.state_id, self.hebei)
        self.assertEqual(lead.country_id, self.china)
        self.assertEqual(lead.city, "保定市定州市")
        self.assertEqual(lead.mobile, "+86 139 1234 5678")

    def test_partner_created_from_lead_keeps_county(self):
        lead = self._create_lead()
        lead._handle_partner_assignment(create_missing=True)
        self.assertEqual(lead.partner_id.city_id, self.county)
        self.assertEqual(lead.partner_id.mobile, "+86 138 0013 8000")

    def test_partner_county_flows_to_lead(self):
        partner = self.env["res.partner"].create(
            {"name": "钱先生", "country_id": self.china.id, "city_id": self.county.id, "street": "博物馆路 3 号",
             "mobile": "13700001111"}
        )
        lead = self._create_lead(
            partner_id=partner.id, contact_name=None, city_id=None, street=None, country_id=None, state_id=None,
            mobile=None,
        )
        self.assertEqual(lead.city_id, self.county)
        self.assertEqual(lead.street, "博物馆路 3 号")

    def test_china_mobile_normalised(self):
        for raw in ("13800138000", "138 0013 8000", "+86 138-0013-8000", "0086 13800138000", "+8613800138000"):
            with self.subTest(raw=raw):
                self.assertEqual(self._create_lead(mobile=raw).mobile, "+86 138 0013 8000")
        lead = self._create_lead()
        lead.mobile = "19912345678"
        self.assertEqual(lead.mobile, "+86 199 1234 5678")

    def test_china_mobile_refused(self):
        for raw in ("1380013800", "138001380001", "12800138000", "15400138000", "0311-87654321", "abcdefghijk"):
            with self.subTest(raw=raw):
                self._assert_refused("not a mainland-China mobile number", mobile=raw)
        lead = self._create_lead()
        with self.assertRaisesRegex(ValidationError, "not a mainland-China mobile number"):
            lead.mobile = "10086"
        self.assertEqual(lead.mobile, "+86 138 0013 8000", "the previous number is kept")

    def test_foreign_mobile_through_phone_validation(self):
        lead = self._create_lead(mobile="+33 6 12 34 56 78")
        self.assertEqual(lead.mobile, "+33 6 12 34 56 78")
        self._assert_refused("not a valid mobile number", mobile="+33 12")

    def test_plain_team_mobile_untouched(self):
        lead = self.env["crm.lead"].create(
            {"name": "Fleet", "type": "opportunity", "team_id": self.plain_team.id, "mobile": "10086"}
        )
        self.assertEqual(lead.mobile, "10086")

    def test_email_qq_wechat(self):
        self._assert_refused("not a valid email address", email_from="sun.at.example.com")
        self._assert_refused("not a QQ number", showroom_qq="0123456")
        self._assert_refused("not a QQ number", showroom_qq="12a456")
        self._assert_refused("not a WeChat ID", showroom_wechat="1abcdef")
        self._assert_refused("not a WeChat ID", showroom_wechat="abc")
        lead = self._create_lead(email_from="sun@example.com", showroom_qq="12345678", showroom_wechat="sun_2026")
        self.assertEqual((lead.showroom_qq, lead.showroom_wechat), ("12345678", "sun_2026"))
        lead.showroom_wechat = "13800138000"

    def test_switching_team_to_showroom_enforces_standard(self):
        lead = self.env["crm.lead"].create({"name": "Fleet", "type": "opportunity", "team_id": self.plain_team.id})
        with self.assertRaisesRegex(ValidationError, "cannot be saved without"):
            lead.team_id = self.team
        self.assertEqual(lead.team_id, self.plain_team)

    def test_new_holder_moving_it_into_showroom_enforces_standard(self):
        """Stock crm moves an opportunity to its new holder's team: into a showroom
        team, the entry standard applies, on create and on write."""
        lead = self.env["crm.lead"].create({"name": "Fleet", "type": "opportunity", "team_id": self.plain_team.id})
        with self.assertRaisesRegex(ValidationError, "cannot be saved without"):
            lead.user_id = self.consultant
        self.assertEqual(lead.team_id, self.plain_team)
        with self.assertRaisesRegex(ValidationError, "cannot be saved without"):
            self.env["crm.lead"].create({"name": "Fleet 2", "type": "opportunity", "user_id": self.consultant.id})

    def test_new_holder_does_not_recheck_an_earlier_opportunity(self):
        """An opportunity entered before its street was required (R2.2) changes
        holder within its team; its next edit of an entry field asks for the street."""
        lead = self._create_lead()
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET street = NULL WHERE id = %s", [lead.id])
        lead.invalidate_recordset(["street"])
        lead.user_id = self.consultant_2
        self.assertRecordValues(lead, [{"user_id": self.consultant_2.id, "team_id": self.team.id}])
        with self.assertRaisesRegex(ValidationError, "cannot be saved without"):
            lead.mobile = "13800138077"

    def test_grades_are_data(self):
        intervals = {code: grade.followup_interval_days for code, grade in self.grades.items()}
        self.assertEqual(intervals, {"O": 7, "H": 2, "A": 7, "B": 14, "C": 21, "N": 30})
        with self.assertRaisesRegex(ValidationError, "at least one day"):
            self.grades["H"].followup_interval_days = 0
        with self.assertRaisesRegex(ValidationError, "at least one day"):
            self.grades["H"].followup_interval_days = -3
        with self.assertRaisesRegex(ValidationError, "at least one day"):
            self.env["showroom.grade"].create({"code": "X", "name": "Exhibition", "followup_interval_days": 0})
        self.assertEqual(self.grades["H"].followup_interval_days, 2)
