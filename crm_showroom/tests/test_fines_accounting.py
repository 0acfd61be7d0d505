from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_fine import ShowroomFineCase
from .common_receivable import ShowroomAccountCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_fines")
class TestFineAccounting(ShowroomFineCase, ShowroomAccountCase):
    """Optional: confirmed fines are posted as a receivable from the consultant's
    work contact; a correction of a posted fine is a reversal of its entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accounting fixture works as an accountant: make them read the fines too
        cls.env.user.groups_id |= cls.env.ref("crm_showroom.group_showroom_manager")
        cls.journal = cls.company_data["default_journal_misc"]
        cls.income = cls.company_data["default_account_revenue"]
        cls.receivable = cls.consultant.partner_id.with_company(cls.company).property_account_receivable_id

    def _enable(self):
        self.company.write(
            {
                "showroom_fine_post_entries": True,
                "showroom_fine_journal_id": self.journal.id,
                "showroom_fine_account_id": self.income.id,
            }
        )

    def _partner_balance(self):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.consultant.partner_id.id),
                ("account_id", "=", self.receivable.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.showroom_fine_post_entries = True
            settings.showroom_fine_journal_id = self.journal
            settings.showroom_fine_account_id = self.income
            settings.showroom_spot_check_size = 5
        settings.save().execute()
        self.assertRecordValues(
            self.company,
            [
                {
                    "showroom_fine_post_entries": True,
                    "showroom_fine_journal_id": self.journal.id,
                    "showroom_fine_account_id": self.income.id,
                    "showroom_spot_check_size": 5,
                }
            ],
        )

    def test_off_by_default(self):
        sheet = self._draft_fines(1)
        sheet.with_user(self.manager).action_confirm()
        self.assertFalse(self.company.showroom_fine_post_entries)
        self.assertFalse(sheet.fine_ids.move_id)

    def test_needs_a_journal(self):
        self.company.showroom_fine_post_entries = True
        sheet = self._draft_fines(1)
        with self.assertRaisesRegex(UserError, "journal"):
            sheet.with_user(self.manager).action_confirm()
        self.assertEqual(sheet.fine_ids.state, "draft")

    def test_posting_balances_and_correction_reverses(self):
        self._enable()
        sheet = self._draft_fines(2)
        first, second = sheet.fine_ids.sorted("id")
        sheet.with_user(self.manager).action_confirm()
        move = first.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.date, first.day)
        self.assertTrue(move.currency_id.is_zero(sum(move.line_ids.mapped("balance"))), "balanced")
        debit = move.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(
            (debit.account_id, debit.partner_id, debit.debit), (self.receivable, self.consultant.partner_id, 50.0)
        )
        self.assertEqual(move.line_ids.filtered(lambda line: line.credit).account_id, self.income)
        self.assertEqual(self._partner_balance(), 100.0)

        # a full correction reverses the entry
        correction = first.with_user(self.manager)._showroom_correct(-50.0, "The customer had asked for no calls")
        reversal = correction.move_id
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(move.line_ids.filtered("debit").amount_residual, 0.0, "the receivable is cleared")
        self.assertEqual(self._partner_balance(), 50.0)

        # a partial one reverses the part corrected
        partial = second.with_user(self.manager)._showroom_correct(-20.0, "Half a day off sick")
        self.assertEqual(partial.move_id.reversed_entry_id, second.move_id)
        self.assertTrue(partial.move_id.currency_id.is_zero(sum(partial.move_id.line_ids.mapped("balance"))))
        self.assertEqual(partial.move_id.amount_total, 20.0)
        self.assertEqual(self._partner_balance(), 30.0)
        self.assertEqual(second.move_id.line_ids.filtered("debit").amount_residual, 30.0)
        self.assertEqual(second.amount_net, 30.0)
