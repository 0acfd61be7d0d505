from datetime import timedelta
from urllib.parse import quote

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .common import ShowroomCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_conflict")
class TestShowroomConflictTour(HttpCase, ShowroomCase):
    """R7 in a real browser: a consultant enters a customer a colleague holds and
    sees who holds them."""

    def test_claimant_sees_the_holder(self):
        holder = self._create_lead(user=self.consultant)
        # the customer first came 60 days ago: no recent visitor, the manager rules (R7.2)
        first_visit = fields.Datetime.now() - timedelta(days=60)
        self.env["showroom.visit"].create(
            {"partner_name": "孙先生", "mobile": holder.mobile, "user_id": self.consultant.id, "date_in": first_visit}
        )
        claim = self._create_lead(user=self.consultant_2, user_id=self.consultant_2.id, mobile="13900139000")
        since = format_date(self.env, self.company._showroom_date_of(first_visit), lang_code=self.consultant_2.lang)
        cookies = {
            f"crm_showroom_tour_{key}": quote(value, safe="")
            for key, value in {"holder": self.consultant.name, "since": since}.items()
        }
        self.start_tour(
            f"/odoo/crm/{claim.id}", "crm_showroom_conflict", login=self.consultant_2.login, cookies=cookies
        )
        conflict = self.env["showroom.conflict"].search([("claimant_lead_id", "=", claim.id)])
        self.assertRecordValues(
            conflict, [{"state": "open", "holder_user_id": self.consultant.id, "holder_lead_id": holder.id}]
        )
