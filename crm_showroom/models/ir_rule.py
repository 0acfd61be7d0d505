from odoo import models
from odoo.exceptions import AccessError


class IrRule(models.Model):
    _inherit = "ir.rule"

    def _make_access_error(self, operation, records):
        """G5: where a showroom rule refuses (a colleague's visit card, a colleague's
        inspection sheet), the user reads that rule, in their language, before Odoo's
        generic record-rule text can appear. The refused model names it in
        ``_showroom_rule_refusal(operation)``; every door (read, write, create,
        unlink, search of a record) ends here."""
        refusal = getattr(records, "_showroom_rule_refusal", None)
        message = refusal(operation) if refusal else None
        if message:
            return AccessError(message)
        return super()._make_access_error(operation, records)
