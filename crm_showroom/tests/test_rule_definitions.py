import sys

from odoo.tests import BaseCase, TransactionCase, tagged

from odoo.addons.crm_showroom.tools.contact import format_cn_mobile, is_chinese_number
from odoo.addons.crm_showroom.tools.text import WHITESPACE, is_blank, sql_is_blank
from odoo.addons.crm_showroom.tools.visit import name_keys, normalize_name, sql_name_mismatch, visit_match_state

MOBILE = "+86 138 0013 8000"
# Feedback texts: blank as Python's str.strip() reads them, or not
FEEDBACKS = (None, False, "", " ", "\n", "\t", "\r\n", "\u3000", "\xa0", "\x1c", "\u2028", "\u200b", " x ", "\tok\n")
# (card's name, opportunity's names): as typed on cards and in the CRM
NAMES = (
    ("STRAUß", ("Strauss",)),
    ("strauss", ("STRAUß", False)),
    ("ＬＩ　Ｎａ", ("li na",)),  # full-width letters and ideographic space, as a Chinese keyboard types them
    ("ＬＩ　Ｎａ", (False, "Li-Na")),
    ("İpek", ("ipek",)),  # Turkish dotted capital I: case-folded to i + combining dot, not to i
    ("İpek", ("İPEK",)),
    ("IPEK", ("ipek",)),
    ("阿卜杜·热合曼", ("阿卜杜 热合曼",)),  # middle dot and blank
    ("阿卜杜•热合曼", ("阿卜杜热合曼",)),
    ("Sun.Li", ("sun_li",)),
    ("孙 先生", (False, False, "孙先生")),
    ("孙先生", ("孙女士", "王先生")),
    ("", ("",)),
    (" \t", (" ",)),
    ("孙先生", ()),
    ("ﬁona", ("FIONA",)),  # ligature, folded by NFKC
)


@tagged("post_install", "-at_install", "crm_showroom", "showroom_fines")
class TestDefinitionTools(BaseCase):
    """The pure Python definitions the SQL is built from."""

    def test_whitespace_is_pythons(self):
        self.assertEqual(WHITESPACE, "".join(char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace()))

    def test_is_blank_is_strip(self):
        for text in FEEDBACKS:
            with self.subTest(text=text):
                self.assertEqual(is_blank(text), not (text or "").strip())

    def test_name_keys(self):
        self.assertEqual(normalize_name("STRAUß"), "strauss")
        self.assertEqual(normalize_name("ＬＩ　Ｎａ"), "lina")
        self.assertEqual(name_keys(("Li Na", False, "李娜", "li-na", "")), "lina 李娜")
        self.assertEqual(name_keys((False, "")), "")

    def test_full_width_mobile(self):
        """Full-width digits and "＋" (a Chinese keyboard) read as the ASCII number;
        other scripts' digits are no mainland-China mobile."""
        for typed in ("１３８ ００１３ ８０００", "＋８６１３８００１３８０００", "138-0013-8000", MOBILE):
            with self.subTest(typed=typed):
                self.assertTrue(is_chinese_number(typed, "CN"))
                self.assertEqual(format_cn_mobile(typed), MOBILE)
        self.assertIsNone(format_cn_mobile("١٣٨٠٠١٣٨٠٠٠"))  # Arabic-Indic digits


@tagged("post_install", "-at_install", "crm_showroom", "showroom_fines")
class TestDefinitionTwins(TransactionCase):
    """The SQL expressions the inspection runs agree with the Python definitions on
    the same tricky input, evaluated by PostgreSQL."""

    def _sql(self, expression, params):
        self.env.cr.execute(f"SELECT {expression}", params)  # noqa: S608 - expressions of our own tools
        return self.env.cr.fetchone()[0]

    def test_blank_feedback(self):
        for text in FEEDBACKS:
            with self.subTest(text=text):
                self.assertEqual(self._sql(sql_is_blank("%s::text"), [text or None]), is_blank(text))

    def test_name_match(self):
        for card, names in NAMES:
            with self.subTest(card=card, names=names):
                python = visit_match_state(card, MOBILE, names, MOBILE) == "matched"
                # the values the models store: ``name_key`` and ``showroom_name_keys`` (False is NULL)
                sql = not self._sql(
                    sql_name_mismatch("%(key)s::text", "%(keys)s::text"),
                    {"key": normalize_name(card) or None, "keys": name_keys(names) or None},
                )
                self.assertEqual(sql, python)
        self.assertEqual(visit_match_state("STRAUß", MOBILE, ("Strauss",), MOBILE), "matched")
        self.assertEqual(visit_match_state("İpek", MOBILE, ("ipek",), MOBILE), "mismatch")
