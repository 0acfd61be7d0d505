from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        """R5.1, delivery day: once the transfers are done, the vehicle serials
        handed over to customers become (or update) ``showroom.vehicle`` records
        with their post-purchase follow-ups; those taken back from customers lose
        their owner. One pass for the whole batch of transfers."""
        result = super()._action_done()
        self._showroom_register_vehicle_moves()
        return result

    def _showroom_register_vehicle_moves(self):
        lines = self.move_ids.filtered(lambda move: move.state == "done").move_line_ids.filtered(
            lambda line: line.lot_id and line.quantity > 0 and line.product_id.is_vehicle
        )
        if not lines:
            return
        deliveries = lines.filtered(
            lambda line: line.location_dest_id.usage == "customer" and line.location_id.usage != "customer"
        )
        returns = lines.filtered(
            lambda line: line.location_id.usage == "customer" and line.location_dest_id.usage != "customer"
        )
        # sudo: validating the transfer is the authorised act (warehouse staff need no
        # CRM rights); only the vehicles of these serials, their contracts'
        # opportunities and their follow-ups are written.
        Vehicle = self.env["showroom.vehicle"].sudo()
        if deliveries:
            Vehicle._showroom_register_deliveries(deliveries)
        if returns:
            Vehicle._showroom_register_returns(returns)
