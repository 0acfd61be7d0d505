from datetime import date

from odoo.tests import HttpCase, tagged

from .common_mileage import ShowroomMileageCase


@tagged("post_install", "-at_install", "crm_showroom", "showroom_tours", "showroom_customer_file")
class TestShowroomCustomerFileTour(HttpCase, ShowroomMileageCase):
    """G1, G6 in a real browser: a showroom manager fills a base customer's file
    and applies the customer class's credit terms from the partner form (the
    rules: test_customer_file)."""

    def test_manager_fills_the_file_and_applies_class_credit(self):
        self.company.account_use_credit_limit = True
        term = self.env.ref("crm_showroom.payment_term_down_payment_loan")
        customer_class = self.env["showroom.customer.class"].create(
            {
                "name": "Private buyer on loan",
                "customer_kind": "person",
                "nature": "private",
                "payment_term_id": term.id,
                "credit_limit": 80000.0,
            }
        )
        self._make_vehicle([(date(2025, 9, 1), 8000)])
        self.assertTrue(self.customer.is_base_customer)

        self.start_tour(
            f"/odoo/action-crm_showroom.res_partner_action_base_customers/{self.customer.id}",
            "crm_showroom_customer_file",
            login=self.manager.login,
        )

        self.assertRecordValues(
            self.customer.with_company(self.company),
            [
                {
                    "showroom_relationship_level_id": self.env.ref("crm_showroom.relationship_level_trusted").id,
                    "showroom_interest_ids": self.env.ref("crm_showroom.interest_fishing").ids,
                    "showroom_customer_class_id": customer_class.id,
                    "property_payment_term_id": term.id,
                    "credit_limit": 80000.0,
                    "use_partner_credit_limit": True,
                }
            ],
        )
        logged = self.customer.message_ids.filtered(
            lambda message: "Credit terms of the class Private buyer on loan applied" in message.body
        )
        self.assertRecordValues(logged, [{"author_id": self.manager.partner_id.id}])
