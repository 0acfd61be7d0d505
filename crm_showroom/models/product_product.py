from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _showroom_vehicle_attribute_values(self, role):
        """The attribute value playing ``role`` (brand, trim, color) for each
        product of ``self``: the variant's own value, else the value of a
        template's attribute line with a single value (attributes that create no
        variant). Returns ``{product: product.attribute.value}``, no query per
        product beyond prefetching."""
        result = {}
        for product in self:
            value = product.product_template_attribute_value_ids.filtered(
                lambda ptav: ptav.attribute_id.showroom_vehicle_role == role
            )[:1].product_attribute_value_id
            if not value:
                lines = product.attribute_line_ids.filtered(
                    lambda line: line.attribute_id.showroom_vehicle_role == role and len(line.value_ids) == 1
                )
                value = lines[:1].value_ids
            result[product] = value
        return result
