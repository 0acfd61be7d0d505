from odoo import _, fields, models
from odoo.tools import SQL


class ShowroomSaleCompositionReport(models.Model):
    """What the showroom sold (G6: composition by grade, product, region): one row
    per vehicle line of a confirmed contract (``sale.order`` in state ``sale``) of
    a showroom opportunity, for the pivot and graph of CRM > Reporting > Sales
    Composition.

    The customer's grade is the one the opportunity had when the contract made it
    O (``crm.lead.showroom_grade_before_order_id``, R3), else its grade; the model
    is the vehicle's product; the region is the opportunity's province, city and
    county (R2.8), else the customer's. ``date`` is the order date as a calendar
    day in the company's showroom time zone (``res.company._showroom_tz_name``):
    the search's date filters and their comparison ("previous period", "previous
    year") compare the showroom's weeks and months. Amounts are untaxed, in the
    company's currency; delivered vehicles are counted apart."""

    _name = "showroom.sale.composition.report"
    _description = "Showroom Sales Composition"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"

    order_id = fields.Many2one("sale.order", string="Contract", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    date = fields.Date(string="Order date", readonly=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    grade_id = fields.Many2one(
        "showroom.grade", string="Customer grade", readonly=True, help="The opportunity's grade before the order."
    )
    channel_id = fields.Many2one("showroom.source.channel", string="Source channel", readonly=True)
    product_id = fields.Many2one("product.product", string="Vehicle", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Model", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    city = fields.Char(readonly=True)
    city_id = fields.Many2one("res.city", string="County / District", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(string="Vehicles sold", readonly=True, digits="Product Unit of Measure")
    qty_delivered = fields.Float(string="Vehicles delivered", readonly=True, digits="Product Unit of Measure")
    amount = fields.Monetary(string="Untaxed amount", readonly=True)

    _depends = {
        "sale.order": [
            "state",
            "date_order",
            "user_id",
            "team_id",
            "company_id",
            "partner_id",
            "opportunity_id",
            "currency_rate",
        ],
        "sale.order.line": ["order_id", "product_id", "product_uom_qty", "qty_delivered", "price_subtotal"],
        "crm.lead": [
            "team_id",
            "showroom_grade_id",
            "showroom_grade_before_order_id",
            "showroom_channel_id",
            "state_id",
            "city_id",
            "city",
        ],
        "crm.team": ["is_showroom"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["is_vehicle"],
        "res.partner": ["state_id", "city_id", "city"],
        "res.company": ["currency_id", "showroom_tz"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            WITH %(company_day)s
            SELECT line.id, line.order_id, sale.opportunity_id AS lead_id,
                   (sale.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(company_day.tz, %(default_tz)s))::date
                       AS date,
                   sale.user_id, sale.team_id, sale.company_id, sale.partner_id,
                   COALESCE(lead.showroom_grade_before_order_id, lead.showroom_grade_id) AS grade_id,
                   lead.showroom_channel_id AS channel_id,
                   line.product_id, product.product_tmpl_id,
                   COALESCE(lead.state_id, partner.state_id) AS state_id,
                   CASE WHEN lead.city_id IS NOT NULL OR lead.city IS NOT NULL THEN lead.city
                        ELSE partner.city END AS city,
                   CASE WHEN lead.city_id IS NOT NULL OR lead.city IS NOT NULL THEN lead.city_id
                        ELSE partner.city_id END AS city_id,
                   company.currency_id,
                   line.product_uom_qty AS quantity,
                   line.qty_delivered,
                   line.price_subtotal / COALESCE(NULLIF(sale.currency_rate, 0), 1.0) AS amount
              FROM sale_order_line line
              JOIN sale_order sale ON sale.id = line.order_id AND sale.state = 'sale'
              JOIN crm_lead lead ON lead.id = sale.opportunity_id
              JOIN crm_team team ON team.id = lead.team_id AND team.is_showroom
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id AND template.is_vehicle
              JOIN res_company company ON company.id = sale.company_id
         LEFT JOIN res_partner partner ON partner.id = sale.partner_id
         LEFT JOIN company_day ON company_day.company_id = sale.company_id
            """,
            company_day=self.env["res.company"]._showroom_company_day_sql(),
            default_tz=self.env.company._showroom_tz_name(),
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_orders(self):
        """The contracts behind the selected rows."""
        return {
            "name": _("Contracts"),
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.order_id.ids)],
            "context": {"create": False},
        }
