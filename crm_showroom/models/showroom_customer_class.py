from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ShowroomCustomerClass(models.Model):
    """A customer class (G1, G6): person or company, the nature of the
    customer (private, fleet, government, rental) and the region or route of
    its visits, to filter and group customers; with the credit terms the
    dealership suggests for the class (G6: a payment term and a credit limit),
    which finance staff or a showroom manager apply to a customer in one click
    (``res.partner.action_showroom_apply_class_credit``). Segment
    administrators maintain the classes."""

    _name = "showroom.customer.class"
    _description = "Customer Class"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company, help="Empty: every company uses the class."
    )
    customer_kind = fields.Selection(
        [("person", "Person"), ("company", "Company")],
        string="Person or company",
        required=True,
        default="person",
    )
    nature = fields.Selection(
        [("private", "Private"), ("fleet", "Fleet"), ("government", "Government"), ("rental", "Rental")],
        required=True,
        default="private",
    )
    region = fields.Char(translate=True, help="The region or visiting route of the class's customers.")
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Suggested payment term",
        check_company=True,
        help="Applied as the customer's payment term by “Apply class credit terms”.",
    )
    credit_limit = fields.Float(
        string="Suggested credit limit",
        help="Applied as the customer's credit limit in the current company by “Apply class credit "
        "terms”; 0: no credit.",
    )
    note = fields.Text(translate=True)
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    @api.constrains("credit_limit")
    def _check_credit_limit(self):
        if any(customer_class.credit_limit < 0 for customer_class in self):
            raise ValidationError(_("The suggested credit limit of a customer class cannot be negative."))

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("showroom_customer_class_id", "in", self.ids)], ["showroom_customer_class_id"], ["__count"]
            )
        )
        for customer_class in self:
            customer_class.partner_count = counts.get(customer_class, 0)

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("base.action_partner_form")
        action["domain"] = [("showroom_customer_class_id", "=", self.id)]
        action["context"] = {"default_showroom_customer_class_id": self.id}
        return action
