import re

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ShowroomDemoCase

ROLES = ("manager", "consultant1", "telemarketing", "finance")
MONEY_FIELDS = {
    "showroom.campaign": ("budget", "spent", "budget_remaining", "reward_cost"),
    "showroom.campaign.reward": ("cost",),
    "showroom.campaign.report": ("reward_cost",),
}


class ShowroomDemoScreenCase(ShowroomDemoCase):
    """What each demo role reads on the showroom's screens (issue 17): the demo's
    users, its company and its Chinese (zh_CN, installed by the demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consultant_2 = cls.users["consultant2"]

    def _env(self, login, lang="zh_CN"):
        user = self.users[login]
        return self.env(user=user, context=dict(self.env.context, lang=lang, allowed_company_ids=[self.company.id]))

    def _arch(self, env, model, view_type, view_ref=None):
        options = {"view_ref": view_ref} if view_ref else {}
        views = env[model].with_context(**options).get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_screens")
class TestWording(ShowroomDemoScreenCase):
    """Each wording a Chinese user read wrong, asserted in zh_CN."""

    def test_inspection_line_open_button_is_not_a_state(self):
        env = self._env("manager")
        arch = self._arch(env, "showroom.fine", "list", "crm_showroom.showroom_fine_view_list")
        [button] = arch.xpath("//button[@name='action_open_record']")
        self.assertEqual(button.get("string"), "打开记录")

    def test_no_button_reads_as_a_state(self):
        """A button says what it does, never the name of a state ("Done", "Open"):
        no button of the showroom's views shares a label with a selection value
        of the showroom's models, in English or in Chinese."""
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        selections = env["ir.model.fields.selection"].search(
            [("field_id.model_id.model", "like", "showroom.%")]
        ) | env["ir.model.fields.selection"].search(
            [("field_id.name", "like", "showroom_%"), ("field_id.model_id.model", "in", ("crm.lead", "mail.activity"))]
        )
        labels = set(selections.mapped("name")) | set(selections.with_context(lang="en_US").mapped("name"))
        views = env["ir.ui.view"].search([("model_data_id.module", "=", "crm_showroom")])
        self.assertTrue(views)
        clashes = []
        for lang in ("en_US", "zh_CN"):
            for view in views.with_context(lang=lang):
                for button in etree.fromstring(view.arch_db).iter("button"):
                    if button.get("string") in labels:
                        clashes.append(f"{view.xml_id} {button.get('name')}: {button.get('string')!r} ({lang})")
        self.assertFalse(clashes, "buttons labelled like a state")

    def test_registered_on_is_the_registration(self):
        """R7.2: the customer's first registration (报备), not the plate's (上牌), and
        no seconds on the form."""
        env = self._env("consultant1")
        label = env["crm.lead"].fields_get(["showroom_registered_at"])["showroom_registered_at"]["string"]
        self.assertIn("报备", label)
        self.assertNotIn("上牌", label)
        arch = self._arch(env, "crm.lead", "form")
        [field] = arch.xpath("//field[@name='showroom_registered_at']")
        self.assertIn("'show_seconds': False", field.get("options"))
        # the vehicle's registration keeps its plate
        self.assertEqual(
            env["showroom.vehicle"].fields_get(["registration_date"])["registration_date"]["string"], "上牌日期"
        )

    def test_no_lonely_at_before_the_probability(self):
        """"¥ 200,000 在 25.22 %": on a showroom opportunity the probability stands
        under its own label, without Odoo's " at "."""
        arch = self._arch(self._env("consultant1"), "crm.lead", "form")
        spans = [span for span in arch.iter("span") if (span.text or "").strip() == "在"]
        self.assertTrue(spans, "stock Odoo's ' at ' is still there for other teams")
        for span in spans:
            self.assertIn("is_showroom", span.get("invisible") or "")

    def test_care_days_are_named_in_the_company_language(self):
        """R6.2: an English-speaking manager (the demo store's segment admin) generates the year; the Chinese team
        reads the care days' names in Chinese."""
        self.assertEqual(self.company.partner_id.lang, "zh_CN")
        env = self._env("manager", lang="en_US")
        self.assertEqual(env.user.lang, "en_US")
        wizard = env["showroom.care.year"].create({"year": 2031, "company_id": self.company.id})
        care_days = wizard._showroom_generate()
        self.assertTrue(care_days)
        names = dict(zip(care_days.mapped("occasion"), care_days.mapped("name"), strict=True))
        self.assertEqual(names["spring_festival"], "春节 2031")
        self.assertEqual(names["national_day"], "国庆节 2031")

    def test_finance_reads_its_menus_in_chinese(self):
        """Invoicing's "Reporting" (Odoo's zh_CN leaves it in English) through our
        translation of stock terms."""
        env = self._env("finance")
        menus = env["ir.ui.menu"].load_menus(False)
        reporting = self.env.ref("account.menu_finance_reports")
        self.assertIn(reporting.id, menus)
        self.assertEqual(menus[reporting.id]["name"], "报表")


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_screens")
class TestColumns(ShowroomDemoScreenCase):
    """Date columns hold their Chinese dates (2026年12月05日 09时30分); a Team
    Follow-ups row without a consultant says so."""

    def test_dates_fit_their_columns(self):
        for role, model, fnames in (
            ("consultant1", "showroom.visit", ("date_in", "date_out")),
            ("telemarketing", "showroom.care.day", ("date",)),
            ("manager", "showroom.campaign", ("date_start", "date_end")),
            ("manager", "showroom.fine", ("day",)),
        ):
            arch = self._arch(self._env(role), model, "list")
            for fname in fnames:
                with self.subTest(model=model, field=fname):
                    [field] = arch.xpath(f"//list/field[@name='{fname}']")
                    self.assertTrue(field.get("width"), "a fixed width")
                    if self.env[model]._fields[fname].type == "datetime":
                        self.assertIn("'show_seconds': False", field.get("options"))

    def test_team_followups_label_unassigned_rows(self):
        arch = self._arch(self._env("manager"), "showroom.followup.dashboard", "list")
        [field] = arch.xpath("//list/field[@name='user_id']")
        self.assertEqual(field.get("widget"), "showroom_consultant")
        for count in ("today_count", "overdue_count", "missing_count"):
            self.assertTrue(arch.xpath(f"//list/field[@name='{count}']")[0].get("width"))
        self.assertTrue(
            self.env["showroom.followup.dashboard"].search([("user_id", "=", False)]),
            "the demo has unassigned opportunities: a row to label",
        )


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_screens")
class TestMoneyByRole(ShowroomDemoScreenCase):
    """R6.3, G5: what campaigns and rewards cost is read by showroom managers and
    finance only, at every door."""

    def test_consultant_rpc_read_of_campaign_money_is_refused(self):
        env = self._env("consultant1")
        campaigns = env["showroom.campaign"].search([])
        self.assertTrue(campaigns, "consultants read the campaigns")
        for model, fnames in MONEY_FIELDS.items():
            for fname in fnames:
                with self.subTest(model=model, field=fname):
                    records = env[model].sudo().search([], limit=1).with_env(env)
                    with self.assertRaises(AccessError):
                        records.read([fname])
                    with self.assertRaises(AccessError):
                        env[model].search_read([], [fname])
                    if env[model]._fields[fname].store:
                        with self.assertRaises(AccessError):
                            env[model].search([(fname, ">", 0)])
                    self.assertNotIn(fname, env[model].fields_get())
        # what is allowed stays allowed, without the money
        [values] = campaigns[:1].read()
        self.assertNotIn("budget", values)
        self.assertIn("name", values)

    def test_telemarketing_reads_no_campaign_money(self):
        env = self._env("telemarketing")
        with self.assertRaises(AccessError):
            env["showroom.campaign"].search_read([], ["name", "budget"])

    def test_manager_reads_campaign_money(self):
        env = self._env("manager")
        [values] = env["showroom.campaign"].search([], limit=1).read(["budget", "spent", "budget_remaining"])
        self.assertIn("budget", values)

    def test_views_load_for_every_role(self):
        """Every role opens the campaign screens it may open; money columns are
        left out for those who may not read them."""
        screens = [
            ("showroom.campaign", "list"),
            ("showroom.campaign", "form"),
            ("showroom.campaign", "search"),
            ("showroom.campaign.reward", "list"),
            ("showroom.campaign.reward", "form"),
            ("res.partner", "form"),
            ("showroom.campaign.report", "pivot"),
            ("showroom.campaign.report", "list"),
        ]
        for login in ROLES:
            env = self._env(login)
            for model, view_type in screens:
                if not env[model].has_access("read"):
                    continue
                with self.subTest(login=login, model=model, view_type=view_type):
                    arch = self._arch(env, model, view_type)
                    may_read_money = env.user.has_group("crm_showroom.group_showroom_manager") or env.user.has_group(
                        "crm_showroom.group_showroom_finance"
                    )
                    for fname in MONEY_FIELDS.get(model, ()):
                        if not may_read_money:
                            self.assertFalse(arch.xpath(f"//field[@name='{fname}']"), fname)
                    if model == "res.partner" and not may_read_money:
                        self.assertFalse(arch.xpath("//field[@name='showroom_campaign_reward_ids']//field[@name='cost']"))


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_screens")
class TestPlainRefusals(ShowroomDemoScreenCase):
    """Where a showroom rule refuses, the user reads the rule in their language,
    not Odoo's generic record-rule text."""

    def test_visit_card_for_a_colleague_names_the_rule(self):
        env = self._env("consultant1")
        with self.assertRaises(AccessError) as caught:
            env["showroom.visit"].create({"partner_name": "王先生", "user_id": self.consultant_2.id})
        self.assertEqual(str(caught.exception), "洽谈卡由接待该客户的顾问本人登记。")
        colleague_card = self.env["showroom.visit"].create(
            {"partner_name": "赵先生", "user_id": self.consultant_2.id, "company_id": self.company.id}
        )
        with self.assertRaises(AccessError) as caught:
            colleague_card.with_env(env).read(["partner_name"])
        self.assertEqual(str(caught.exception), "洽谈卡由接待该客户的顾问本人登记。")
        # in English for an English reader
        with self.assertRaises(AccessError) as caught:
            colleague_card.with_env(self._env("consultant1", lang="en_US")).write({"note": "mine now"})
        self.assertEqual(
            str(caught.exception), "A visit card is logged by the consultant who received the customer."
        )
        # their own card: no refusal
        mine = env["showroom.visit"].create({"partner_name": "钱女士", "user_id": env.uid})
        self.assertEqual(mine.user_id, env.user)

    def test_colleague_inspection_sheet_names_the_rule(self):
        env = self._env("consultant1")
        Sheet = self.env["showroom.inspection"]
        theirs = Sheet.search([("user_id", "=", self.consultant_2.id)], limit=1) or Sheet.create(
            {"user_id": self.consultant_2.id, "day": "2026-01-05", "company_id": self.company.id}
        )
        with self.assertRaises(AccessError) as caught:
            theirs.with_env(env).read(["day"])
        self.assertEqual(str(caught.exception), "检查表只有其顾问本人和展厅经理可以查看。")
        mine = Sheet.search([("user_id", "=", env.uid)], limit=1) or Sheet.create(
            {"user_id": env.uid, "day": "2026-01-05", "company_id": self.company.id}
        )
        mine.with_env(env).read(["day"])


# Words a Chinese screen may keep: brands, codes and units.
LATIN_ALLOWED = {"CRM", "SMS", "VIN", "UTM", "PDF", "QQ", "WeChat", "Weibo", "km", "Odoo", "ID", "URL", "IAP"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
WEB_ADDRESS = re.compile(r"\S+://\S+|www\.\S+")
TEXT_ATTRIBUTES = ("string", "placeholder", "sum", "confirm", "title", "help")
# The showroom's screens: (screen, role, action); the views of each of its modes are read.
SHOWROOM_SCREENS = [
    ("opportunity", "consultant1", "crm.crm_lead_action_pipeline", ("form",)),
    ("calling list", "consultant1", "crm_showroom.crm_lead_action_my_followups_today", ("list", "search")),
    ("visit cards", "consultant1", "crm_showroom.showroom_visit_action", ("list", "form", "search")),
    ("team follow-ups", "manager", "crm_showroom.showroom_followup_dashboard_action", ("list", "search")),
    ("inspection sheet", "manager", "crm_showroom.showroom_inspection_action", ("list", "form", "search")),
    ("call queue", "telemarketing", "crm_showroom.showroom_milestone_call_action", ("list", "form", "search")),
    ("vehicle", "telemarketing", "crm_showroom.showroom_vehicle_action", ("list", "form", "search")),
    ("care days", "telemarketing", "crm_showroom.showroom_care_day_action", ("list", "form", "search")),
    ("campaigns", "manager", "crm_showroom.showroom_campaign_action", ("list", "form", "search")),
    ("receivables", "finance", "crm_showroom.showroom_receivable_report_action", ("list", "form", "search")),
]


def english_left(text):
    """The English words of ``text`` a Chinese reader would meet (brands, codes and
    units allowed)."""
    return [word for word in LATIN_WORD.findall(WEB_ADDRESS.sub("", text or "")) if word not in LATIN_ALLOWED]


def visible_texts(arch, fields):
    """(where, text) of what a user reads on a view: labels, buttons, pages, filters,
    placeholders, static text, and the labels of the fields shown without their own.
    Nodes always invisible are left out."""
    for node in arch.iter():
        if not isinstance(node.tag, str) or node.get("invisible") in ("1", "True", "true") or node.get(
            "column_invisible"
        ) in ("1", "True", "true"):
            continue
        if any(ancestor.get("invisible") in ("1", "True") for ancestor in node.iterancestors()):
            continue
        for attribute in TEXT_ATTRIBUTES:
            if node.get(attribute):
                yield f"<{node.tag} {attribute}>", node.get(attribute)
        if node.tag == "field" and not node.get("string") and node.get("name") in fields and not node.get("nolabel"):
            yield f"field {node.get('name')}", fields[node.get("name")]["string"]
        if node.tag not in ("field", "t") and (node.text or "").strip():
            yield f"<{node.tag}> text", node.text.strip()


@tagged("post_install", "-at_install", "crm_showroom", "showroom_demo", "showroom_screens")
class TestNoEnglishLeft(ShowroomDemoScreenCase):
    """A Chinese user reads no English word on a showroom screen: the labels,
    buttons and texts of its views and the menus of their roles, as a zh_CN user."""

    def test_showroom_views_in_chinese(self):
        left = []
        for screen, role, xmlid, view_types in SHOWROOM_SCREENS:
            env = self._env(role)
            action = self.env.ref(xmlid)
            model = env[action.res_model]
            views = model.get_views([(False, view_type) for view_type in view_types], {"action_id": action.id})
            fields = model.fields_get()
            for view_type in view_types:
                arch = etree.fromstring(views["views"][view_type]["arch"])
                for where, text in visible_texts(arch, fields):
                    if words := english_left(text):
                        left.append(f"{screen} ({role}, {view_type}) {where}: {text!r} {words}")
            if words := english_left(action.with_context(lang="zh_CN").name):
                left.append(f"{screen} ({role}) action name: {words}")
        self.assertFalse(left, "English left on showroom screens:\n" + "\n".join(left))

    def test_menus_in_chinese(self):
        left = []
        for role in ROLES:
            env = self._env(role)
            for key, menu in env["ir.ui.menu"].load_menus(False).items():
                if key != "root" and (words := english_left(menu["name"])):
                    left.append(f"{role}: menu {menu['name']!r} {words}")
        self.assertFalse(left, "English left in the menus:\n" + "\n".join(left))
