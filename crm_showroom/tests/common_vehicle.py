from odoo import Command

from odoo.addons.crm_showroom.tools.vin import with_check_digit

from .common import ShowroomCase


class ShowroomVehicleCase(ShowroomCase):
    """The showroom fixture plus vehicles in stock: a model (H6 SUV) whose
    brand, trim and color come from attributes, with VINs in WH/Stock, and
    helpers that sell and deliver them through Odoo's real sale, stock and
    return flows (R5.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        Attribute = cls.env["product.attribute"]
        cls.attr_brand = Attribute.create(
            {
                "name": "Brand",
                "showroom_vehicle_role": "brand",
                "create_variant": "no_variant",
                "value_ids": [Command.create({"name": "Haval"})],
            }
        )
        cls.attr_trim = Attribute.create(
            {
                "name": "Trim",
                "showroom_vehicle_role": "trim",
                "value_ids": [Command.create({"name": "2.0T Deluxe"}), Command.create({"name": "1.5T Comfort"})],
            }
        )
        cls.attr_color = Attribute.create(
            {
                "name": "Color",
                "display_type": "color",
                "showroom_vehicle_role": "color",
                "value_ids": [
                    Command.create({"name": "Pearl White", "html_color": "#F8F8F0"}),
                    Command.create({"name": "Ruby Red", "html_color": "#9B111E"}),
                ],
            }
        )
        cls.suv = cls.env["product.template"].create(
            {
                "name": "H6 SUV",
                "is_vehicle": True,
                "list_price": 150000,
                "attribute_line_ids": [
                    Command.create({"attribute_id": attr.id, "value_ids": [Command.set(attr.value_ids.ids)]})
                    for attr in (cls.attr_brand, cls.attr_trim, cls.attr_color)
                ],
            }
        )
        cls.suv_white = cls.suv.product_variant_ids.filtered(
            lambda product: (
                set(product.product_template_attribute_value_ids.mapped("name")) == {"2.0T Deluxe", "Pearl White"}
            )
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "孙先生", "mobile": "+86 138 0013 8000", "email": "sun@example.com"}
        )
        cls._vin_counter = 0

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @classmethod
    def _next_vin(cls):
        cls._vin_counter += 1
        return with_check_digit(f"LGWEF4A50TH{cls._vin_counter:06d}")

    @classmethod
    def _stock_vehicles(cls, count=1, product=None):
        """``count`` new VIN lots of ``product`` put in WH/Stock."""
        product = product or cls.suv_white
        lots = cls.env["stock.lot"].create(
            [{"name": cls._next_vin(), "product_id": product.id, "company_id": cls.company.id} for _ in range(count)]
        )
        Quant = cls.env["stock.quant"]
        for lot in lots:
            Quant._update_available_quantity(product, cls.stock_location, 1, lot_id=lot)
        return lots

    @classmethod
    def _create_order(cls, lead=None, product=None, qty=1, partner=None):
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "opportunity_id": lead.id if lead else False,
                "user_id": (lead.user_id if lead else cls.consultant).id,
                "team_id": (lead.team_id if lead else cls.team).id,
                "order_line": [Command.create({"product_id": (product or cls.suv_white).id, "product_uom_qty": qty})],
            }
        )

    @staticmethod
    def _validate(pickings, lots=None):
        """Validate ``pickings`` (all at once), handing over ``lots`` in the order of
        their move lines when given."""
        if lots:
            for line, lot in zip(pickings.move_line_ids, lots, strict=False):
                line.lot_id = lot
        pickings.move_ids.picked = True
        result = pickings.button_validate()
        assert result is True, result
        return pickings

    def _delivery_user(self):
        return self.env.user

    def _deliver_order(self, order, lots=None, user=None):
        """Deliver the cars of ``order`` (new serials in stock unless ``lots``) as
        ``user`` (default: ``_delivery_user``); return their vehicles."""
        lots = lots or self._stock_vehicles(int(sum(order.order_line.mapped("product_uom_qty"))))
        pickings = order.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
        pickings.action_assign()
        self._validate(pickings.with_user(user or self._delivery_user()), lots)
        return self.env["showroom.vehicle"].search([("lot_id", "in", lots.ids)])

    def _return(self, picking, lot):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_ids=picking.ids, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        return_picking = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        return_picking.move_line_ids.lot_id = lot
        return self._validate(return_picking)

    @staticmethod
    def _vehicle_followups(vehicle, active_test=True):
        return (
            vehicle.env["mail.activity"]
            .with_context(active_test=active_test)
            .search([("res_model", "=", "showroom.vehicle"), ("res_id", "=", vehicle.id)], order="id")
        )
