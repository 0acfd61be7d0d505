from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_showroom.tools.vin import with_check_digit
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import showroom_demo_missing
from .common_care import ShowroomCareCase

# Shanghai is UTC+8: at 16:00 UTC its calendar day changes.
EVE_IN_SHANGHAI = "2027-02-05 15:59:00"  # 5 February 23:59 in Shanghai
SPRING_FESTIVAL_IN_SHANGHAI = "2027-02-05 16:01:00"  # 6 February 00:01 in Shanghai, still the 5th in UTC


@tagged("post_install", "-at_install", "crm_showroom", "care_sms")
class TestCareSms(ShowroomCareCase):
    """R6.2: care SMS go out on the day, in the showroom's day, at most once per
    customer and care day, never to blacklisted or opted-out numbers, through
    Odoo's SMS queue."""

    def _run_cron(self):
        """As Odoo runs it: the cron's user, an empty context."""
        self.assertFalse(self.env.context.get("tz"))
        self.care_cron.method_direct_trigger()

    def test_sent_once_on_the_day_through_odoos_queue(self):
        care_day = self._create_care_day()
        with freeze_time("2027-02-06 02:00:00"), self.mockSMSGateway():
            self._run_cron()
            self.assertSMSOutgoing(self.wang, "+8613811110001", content="王芳")
            self.assertSMSOutgoing(self.zhou, "+8613811110002", content="H6 SUV")
            self.assertEqual(len(self._new_sms), 2, "the blacklisted, the opted-out and non-buyers get nothing")
            logs = self._logs(care_day)
            self.assertEqual(logs.partner_id, self.wang | self.zhou)
            self.assertEqual(set(logs.mapped("state")), {"queued"})
            self.assertEqual(set(logs.mapped("date")), {date(2027, 2, 6)})
            self.assertIn("H6 SUV", logs.filtered(lambda log: log.partner_id == self.wang).body)
            self.assertEqual(logs.sms_id, self._new_sms)
            # Odoo's SMS queue sends them (the IAP gateway is mocked)
            self.env["sms.sms"].sudo()._process_queue()
            self.assertSMSIapSent(["+8613811110001", "+8613811110002"], content="Dear")
            # again the same day: nothing new
            self._clear_sms_sent()
            self._run_cron()
            self.assertFalse(self._new_sms)
        self.assertEqual(len(self._logs(care_day)), 2)
        self.assertEqual(care_day.care_sms_count, 2)
        self.assertEqual(self.wang.showroom_care_sms_count, 1)

    def test_sent_in_the_showroom_day_not_utc(self):
        """At 15:59 UTC it is still 5 February in Shanghai: nothing; at 16:01 UTC
        (still the 5th in UTC) it is Spring Festival in Shanghai: sent."""
        care_day = self._create_care_day()
        with self.mockSMSGateway():
            with freeze_time(EVE_IN_SHANGHAI):
                self._run_cron()
                self.assertFalse(self._new_sms)
            with freeze_time(SPRING_FESTIVAL_IN_SHANGHAI):
                self._run_cron()
                self.assertEqual(len(self._new_sms), 2)
        self.assertEqual(set(self._logs(care_day).mapped("date")), {date(2027, 2, 6)})

    def test_not_sent_on_another_day_nor_archived(self):
        care_day = self._create_care_day()
        with self.mockSMSGateway():
            with freeze_time("2027-02-07 02:00:00"):
                self._run_cron()
            care_day.active = False
            with freeze_time("2027-02-06 02:00:00"):
                self._run_cron()
        self.assertFalse(self._new_sms)

    def test_blacklist_and_opt_out(self):
        """Blacklisted numbers and opted-out customers are left out of the audience;
        a number blacklisted after the preview is still cancelled by Odoo's composer."""
        care_day = self._create_care_day()
        self.zheng.showroom_care_sms_optout = False
        self.wang.showroom_care_sms_optout = True
        with freeze_time("2027-02-06 02:00:00"), self.mockSMSGateway():
            care_day._showroom_send(date(2027, 2, 6))
        self.assertEqual(self._logs(care_day).partner_id, self.zhou | self.zheng)
        self.assertNotIn(self.wu, self._new_sms.partner_id)
        self.assertNotIn(self.wang, self._new_sms.partner_id)

    def test_audience_domain(self):
        self.zhou.city_id = self.county
        care_day = self._create_care_day(audience_domain=f"[('city_id', '=', {self.county.id})]")
        with freeze_time("2027-02-06 02:00:00"), self.mockSMSGateway():
            care_day._showroom_send(date(2027, 2, 6))
        self.assertEqual(self._new_sms.partner_id, self.zhou)

    def test_batches(self):
        """Two customers in batches of one: both sent, progress reported per batch."""
        care_day = self._create_care_day()
        with self.mockSMSGateway():
            self.assertEqual(care_day._showroom_send(date(2027, 2, 6), batch_size=1), 2)
        self.assertEqual(len(self._logs(care_day)), 2)

    def test_queries_per_batch_do_not_grow_with_customers(self):
        """A batch costs the same number of queries for 2 customers as for 6."""
        more = self.env["res.partner"].create(
            [{"name": f"客户 {index}", "mobile": f"+86 138 2222 000{index}"} for index in range(4)]
        )
        for partner in more:
            self._create_vehicle(partner, date(2024, 3, 10))
        self._create_care_day(day=date(2027, 2, 5))._showroom_send(date(2027, 2, 5))  # warm-up
        counts = {}
        for size, audience in ((2, self.wang | self.zhou), (6, self.wang | self.zhou | more)):
            care_day = self._create_care_day(
                day=date(2027, 2, 6 + size), audience_domain=f"[('id', 'in', {audience.ids})]"
            )
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(care_day._showroom_send(date(2027, 2, 6 + size)), size)
            counts[size] = self.cr.sql_log_count - before
        self.assertEqual(counts[2], counts[6], counts)

    def test_preview(self):
        care_day = self._create_care_day()
        preview = self.env["showroom.care.day.preview"].with_user(self.manager).create({"care_day_id": care_day.id})
        self.assertEqual(preview.date, date(2027, 2, 6))
        self.assertEqual(preview.recipient_count, 2)
        self.assertEqual(preview.partner_id, self.wang)
        self.assertIn("王芳", preview.body)
        self.assertIn("H6 SUV", preview.body)
        with self.mockSMSGateway():
            care_day._showroom_send(date(2027, 2, 6))
        preview = self.env["showroom.care.day.preview"].create({"care_day_id": care_day.id})
        self.assertEqual(preview.recipient_count, 0, "everyone was greeted")

    def test_birthday_lunar_and_solar(self):
        """王芳 was born on 15 September 1986 (lunar 8/12) and celebrates on the lunar
        calendar: 22 September in 2026. 周强, born the same day, celebrates on the 15th."""
        self.wang.write({"showroom_birthday": date(1986, 9, 15), "showroom_birthday_lunar": True})
        self.zhou.showroom_birthday = date(1986, 9, 15)
        birthday = self._create_care_day(occasion="birthday", day=False)
        with self.mockSMSGateway():
            with freeze_time("2026-09-15 02:00:00"):
                self._run_cron()
                self.assertEqual(self._new_sms.partner_id, self.zhou)
                self.assertEqual(self.wang.showroom_next_birthday, date(2026, 9, 22))
            with freeze_time("2026-09-22 02:00:00"):
                self._run_cron()
                self.assertEqual(self._new_sms.partner_id, self.zhou | self.wang)
            with freeze_time("2027-09-15 02:00:00"):
                self._run_cron()
        logs = self._logs(birthday)
        self.assertEqual(len(logs), 3, "once a year each")
        self.assertEqual(
            logs.filtered(lambda log: log.partner_id == self.zhou).mapped("date"),
            [date(2027, 9, 15), date(2026, 9, 15)],
        )

    def test_purchase_anniversary(self):
        """The fixture's cars were delivered on 10 March 2024."""
        self._create_vehicle(self.qian, date(2026, 3, 10))  # delivered this year: no anniversary yet
        anniversary = self._create_care_day(occasion="anniversary", day=False)
        with self.mockSMSGateway():
            with freeze_time("2026-03-10 02:00:00"):
                self._run_cron()
        self.assertEqual(self._logs(anniversary).partner_id, self.wang | self.zhou)

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "needs a date"):
            self._create_care_day(day=False)
        with self.assertRaisesRegex(ValidationError, "own day"):
            self._create_care_day(occasion="birthday")
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self._create_care_day(audience_domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self._create_care_day(audience_domain="hello")
        with self.assertRaisesRegex(ValidationError, "contacts"):
            self._create_care_day(
                sms_template_id=self.env["sms.template"]
                .create({"name": "Lead", "model_id": self.env.ref("crm.model_crm_lead").id, "body": "Hi"})
                .id
            )
        with self.assertRaisesRegex(ValidationError, "1900"):
            self.wang.write({"showroom_birthday": date(1899, 5, 1), "showroom_birthday_lunar": True})
        with self.assertRaisesRegex(ValidationError, "future"):
            self.wang.showroom_birthday = date(2999, 1, 1)
        self.assertFalse(self.wang.showroom_birthday)

    @mute_logger("odoo.sql_db")
    def test_unique_per_customer_care_day_and_day(self):
        """The log's constraint holds at every door (a direct create too)."""
        care_day = self._create_care_day()
        values = {
            "partner_id": self.wang.id,
            "care_day_id": care_day.id,
            "date": date(2027, 2, 6),
            "company_id": self.company.id,
        }
        self.env["showroom.care.sms"].create(values)
        with self.assertRaises(IntegrityError):
            self.env["showroom.care.sms"].create(values)
            self.env.flush_all()


@tagged("post_install", "-at_install", "crm_showroom", "care_sms")
class TestCareYear(ShowroomCareCase):
    """R6.2: a year's holidays are generated, not typed, and only once."""

    def _generate(self, year, user=None):
        wizard = (
            self.env["showroom.care.year"]
            .with_user(user or self.segment_admin)
            .create({"year": year, "company_id": self.company.id})
        )
        return wizard._showroom_generate()

    def test_generate_two_years_once(self):
        care_days_2027 = self._generate(2027)
        self.assertEqual(len(care_days_2027), 7)
        by_occasion = {care_day.occasion: care_day.date for care_day in care_days_2027}
        self.assertEqual(by_occasion["spring_festival"], date(2027, 2, 6))
        self.assertEqual(by_occasion["lantern"], date(2027, 2, 20))
        self.assertEqual(by_occasion["mid_autumn"], date(2027, 9, 15))
        self.assertEqual(set(care_days_2027.sms_template_id.ids), {self.holiday_template.id})
        care_days_2026 = self._generate(2026)
        by_occasion = {care_day.occasion: care_day.date for care_day in care_days_2026}
        self.assertEqual(by_occasion["spring_festival"], date(2026, 2, 17))
        self.assertEqual(by_occasion["dragon_boat"], date(2026, 6, 19))
        # twice: nothing new, even with an archived one
        care_days_2027[0].active = False
        self.assertFalse(self._generate(2027))
        CareDay = self.env["showroom.care.day"].with_context(active_test=False)
        self.assertEqual(
            CareDay.search_count(
                [
                    ("company_id", "=", self.company.id),
                    ("occasion", "!=", "birthday"),
                    ("occasion", "!=", "anniversary"),
                ]
            ),
            14,
        )

    def test_generate_keeps_last_years_template_and_audience(self):
        template = self.env["sms.template"].create(
            {
                "name": "中秋",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "中秋快乐 {{ object.name }}",
            }
        )
        self._create_care_day(
            "mid_autumn", date(2026, 9, 25), sms_template_id=template.id, audience_domain="[('city_id', '!=', False)]"
        )
        mid_autumn = self._generate(2027).filtered(lambda care_day: care_day.occasion == "mid_autumn")
        self.assertEqual(mid_autumn.sms_template_id, template)
        self.assertEqual(mid_autumn.audience_domain, "[('city_id', '!=', False)]")

    def test_out_of_range(self):
        with self.assertRaisesRegex(UserError, "2008"):
            self._generate(1990)

    def test_unique_in_the_database(self):
        self._generate(2027)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._create_care_day("spring_festival", date(2027, 2, 6))
            self.env.flush_all()


@tagged("post_install", "-at_install", "crm_showroom", "care_sms")
class TestCareSmsSecurity(ShowroomCareCase):
    """Segment admins plan care days; managers read them and the logs and edit the
    SMS texts; telemarketing reads care days and logs; consultants have no access;
    everyone sees their companies' only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.telemarketer = mail_new_test_user(
            cls.env,
            login="sr_tele",
            name="Tele Marketing",
            tz="Asia/Shanghai",
            groups="crm_showroom.group_showroom_telemarketing",
        )
        cls.care_day = cls._create_care_day()
        with freeze_time("2027-02-06 02:00:00"):
            cls.care_day._showroom_send(date(2027, 2, 6))
        cls.other_company = cls.env["res.company"].create({"name": "Other Showroom"})
        cls.other_care_day = cls._create_care_day(company_id=cls.other_company.id)

    def test_segment_admin_and_manager(self):
        values = {"name": "Launch", "occasion": "launch", "date": date(2027, 5, 1)}
        with self.assertRaises(AccessError):
            self.env["showroom.care.day"].with_user(self.manager).create(
                dict(values, sms_template_id=self.holiday_template.id)
            )
        with self.assertRaises(AccessError):
            self.care_day.with_user(self.manager).name = "Changed"
        with self.assertRaises(AccessError):
            self.env["showroom.care.year"].with_user(self.manager).create({"year": 2028})
        CareDay = self.env["showroom.care.day"].with_user(self.manager)
        self.assertEqual(CareDay.search([("id", "in", (self.care_day | self.other_care_day).ids)]), self.care_day)
        care_day = self.env["showroom.care.day"].with_user(self.segment_admin).create(
            dict(values, sms_template_id=self.holiday_template.id)
        )
        care_day.audience_domain = "[('city_id', '!=', False)]"
        self.assertEqual(len(self.env["showroom.care.sms"].with_user(self.manager).search([])), 2)
        self.holiday_template.with_user(self.manager).body = "Dear {{ object.name }}"
        with self.assertRaises(AccessError):
            self.env["sms.template"].with_user(self.manager).create(
                {"name": "Lead", "model_id": self.env.ref("crm.model_crm_lead").id, "body": "Hi"}
            )

    def test_telemarketing_reads(self):
        care_day = self.care_day.with_user(self.telemarketer)
        self.assertEqual(care_day.name, self.care_day.name)
        logs = self.env["showroom.care.sms"].with_user(self.telemarketer).search([])
        self.assertEqual(logs.partner_id, self.wang | self.zhou)
        self.assertEqual(self.wang.with_user(self.telemarketer).showroom_care_sms_count, 1)
        self.assertFalse(
            self.env["showroom.care.day"].with_user(self.telemarketer).search([("id", "=", self.other_care_day.id)])
        )
        with self.assertRaises(AccessError):
            care_day.name = "Changed"
        with self.assertRaises(AccessError):
            self.env["showroom.care.day"].with_user(self.telemarketer).create(
                {
                    "name": "X",
                    "occasion": "custom",
                    "date": date(2027, 5, 1),
                    "sms_template_id": self.holiday_template.id,
                }
            )
        with self.assertRaises(AccessError):
            logs[0].state = "canceled"

    def test_consultant_no_access(self):
        with self.assertRaises(AccessError):
            self.care_day.with_user(self.consultant).read(["name"])
        with self.assertRaises(AccessError):
            self.env["showroom.care.sms"].with_user(self.consultant).search([])


@tagged("post_install", "-at_install", "crm_showroom", "care_sms")
class TestCareSmsConcurrency(TransactionCase):
    """Two runs at once (two database connections) greet each customer once: the
    log line is inserted first under its unique constraint."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Concurrency SUV", "is_vehicle": True, "tracking": "serial", "is_storable": True}
            )
            partners = env["res.partner"].create(
                [{"name": f"并发客户 {index}", "mobile": f"+86 139 0000 {index:04d}"} for index in range(3)]
            )
            lots = env["stock.lot"].create(
                [
                    {"name": with_check_digit(f"LGWCC4A50TH{970000 + index:06d}"), "product_id": product.id}
                    for index in range(3)
                ]
            )
            env["showroom.vehicle"].create(
                [
                    {
                        "lot_id": lot.id,
                        "partner_id": partner.id,
                        "state": "delivered",
                        "delivery_date": date(2025, 1, 1),
                    }
                    for lot, partner in zip(lots, partners, strict=True)
                ]
            )
            care_day = env["showroom.care.day"].create(
                {
                    "name": "Concurrency",
                    "occasion": "custom",
                    "date": date(2027, 2, 6),
                    "sms_template_id": env.ref("crm_showroom.sms_template_care_holiday").id,
                    "audience_domain": f"[('id', 'in', {partners.ids})]",
                }
            )
        self.ids = {"product": product.id, "partners": partners.ids, "lots": lots.ids, "care_day": care_day.id}
        self.addCleanup(self._clean)

    def _clean(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            care_day = env["showroom.care.day"].browse(self.ids["care_day"])
            env["sms.sms"].search([("partner_id", "in", self.ids["partners"])]).unlink()
            care_day.care_sms_ids.unlink()
            care_day.unlink()
            env["showroom.vehicle"].search([("lot_id", "in", self.ids["lots"])]).unlink()
            env["stock.lot"].browse(self.ids["lots"]).unlink()
            env["res.partner"].browse(self.ids["partners"]).unlink()
            env["product.product"].browse(self.ids["product"]).product_tmpl_id.unlink()

    def _sent(self, env):
        return env["sms.sms"].search_count([("partner_id", "in", self.ids["partners"])])

    def test_repeated_runs(self):
        day = date(2027, 2, 6)
        for _run in range(2):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["showroom.care.day"].browse(self.ids["care_day"])._showroom_send(day)
        with self.registry.cursor() as cr:
            self.assertEqual(self._sent(api.Environment(cr, SUPERUSER_ID, {})), 3)

    def test_concurrent_runs(self):
        """Run 1 has taken its snapshot (everyone still to greet) when run 2 greets
        everyone and commits: run 1's log lines conflict with run 2's, which its
        snapshot cannot see; they are not inserted (PostgreSQL skips them or
        refuses the batch) and run 1 sends nothing."""
        day = date(2027, 2, 6)
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            care_day1 = env1["showroom.care.day"].browse(self.ids["care_day"])
            self.assertEqual(len(care_day1._showroom_recipients(day)), 3)  # run 1's snapshot starts here
            self.assertEqual(env2["showroom.care.day"].browse(self.ids["care_day"])._showroom_send(day), 3)
            cr2.commit()
            self.assertEqual(care_day1._showroom_send(day), 0)
            cr1.commit()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(self._sent(env), 3)
            self.assertEqual(env["showroom.care.sms"].search_count([("care_day_id", "=", self.ids["care_day"])]), 3)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "care_sms")
class TestCareSmsDemo(TransactionCase):
    """The demo's care SMS: the showroom's 2027 holidays generated, its birthday and
    anniversary care days, a lunar birthday. Without the demo data: see ``showroom_demo_missing``."""

    def setUp(self):
        super().setUp()
        self.company = self.env.ref("crm_showroom.company_showroom", raise_if_not_found=False)
        if not self.company:
            showroom_demo_missing(self)

    def test_demo_care_days(self):
        care_days = self.env["showroom.care.day"].search([("company_id", "=", self.company.id)])
        spring = care_days.filtered(lambda care_day: care_day.occasion == "spring_festival")
        self.assertEqual(spring.date, date(2027, 2, 6))
        self.assertEqual(len(care_days.filtered(lambda care_day: care_day.date and care_day.date.year == 2027)), 7)
        self.assertTrue(self.env.ref("crm_showroom.care_day_demo_birthday").active)
        sun = self.env.ref("crm_showroom.sale_demo_partner_sun")
        self.assertTrue(sun.showroom_birthday_lunar)
        self.assertTrue(sun.showroom_birthday_key.startswith("L:"))
        telemarketing = self.env["res.users"].search([("login", "=", "telemarketing")])
        self.assertEqual(
            self.env["showroom.care.day"].with_user(telemarketing).search_count([("id", "in", care_days.ids)]),
            len(care_days),
        )
