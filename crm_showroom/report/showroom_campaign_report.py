from odoo import fields, models
from odoo.tools import SQL

from ..models.showroom_campaign import CAMPAIGN_MONEY_GROUPS


class ShowroomCampaignReport(models.Model):
    """R6.3: what each campaign brought and cost — its leads, the opportunities
    among them, the deliveries of their vehicles and the rewards issued with their
    cost — for the pivot and graph of CRM > Reporting > Campaigns.

    One row per fact, so that every measure sums and groups by campaign, type,
    consultant and date: a lead carrying the campaign's UTM campaign (archived and
    lost ones included; dated by its creation in the company's showroom day), a
    vehicle still delivered whose opportunity carries it (dated by its delivery),
    a reward not cancelled (dated by its issue)."""

    _name = "showroom.campaign.report"
    _description = "Campaign Analysis"
    _auto = False
    _rec_name = "campaign_id"
    _order = "date desc, id desc"

    campaign_id = fields.Many2one("showroom.campaign", readonly=True)
    campaign_type = fields.Selection(
        selection=lambda self: self.env["showroom.campaign"]._fields["campaign_type"].selection,
        string="Campaign type",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Consultant", readonly=True)
    date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    delivery_count = fields.Integer(string="Deliveries", readonly=True)
    reward_count = fields.Integer(string="Rewards issued", readonly=True)
    reward_cost = fields.Monetary(string="Cost of rewards", readonly=True, groups=CAMPAIGN_MONEY_GROUPS)

    _depends = {
        "crm.lead": ["campaign_id", "create_date", "type", "user_id"],
        "showroom.vehicle": ["opportunity_id", "state", "delivery_date", "user_id"],
        "showroom.campaign": ["utm_campaign_id", "campaign_type", "company_id"],
        "showroom.campaign.reward": ["campaign_id", "state", "issue_date", "cost", "lead_id"],
        "res.company": ["currency_id", "showroom_tz"],
    }

    @property
    def _table_query(self):
        # the showroom day of each company (res.company._showroom_tz_name), as a
        # small VALUES table: the same rule as everywhere, not re-implemented in SQL
        # sudo: time zones and currencies of companies are no secret
        companies = self.env["res.company"].sudo().search([])
        zones = SQL(", ").join(
            SQL("(%s, %s, %s)", company.id, company._showroom_tz_name(), company.currency_id.id)
            for company in companies
        )
        return SQL(
            """
            WITH company_day(company_id, tz, currency_id) AS (VALUES %(zones)s)
            SELECT lead.id * 3 AS id, campaign.id AS campaign_id, campaign.campaign_type,
                   campaign.company_id, lead.user_id,
                   (lead.create_date AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date AS date,
                   company_day.currency_id,
                   1 AS lead_count,
                   CASE WHEN lead.type = 'opportunity' THEN 1 ELSE 0 END AS opportunity_count,
                   0 AS delivery_count, 0 AS reward_count, 0.0 AS reward_cost
              FROM crm_lead lead
              JOIN showroom_campaign campaign ON campaign.utm_campaign_id = lead.campaign_id
              JOIN company_day ON company_day.company_id = campaign.company_id
            UNION ALL
            SELECT vehicle.id * 3 + 1, campaign.id, campaign.campaign_type,
                   campaign.company_id, vehicle.user_id, vehicle.delivery_date, company_day.currency_id,
                   0, 0, 1, 0, 0.0
              FROM showroom_vehicle vehicle
              JOIN crm_lead lead ON lead.id = vehicle.opportunity_id
              JOIN showroom_campaign campaign ON campaign.utm_campaign_id = lead.campaign_id
              JOIN company_day ON company_day.company_id = campaign.company_id
             WHERE vehicle.state = 'delivered'
            UNION ALL
            SELECT reward.id * 3 + 2, campaign.id, campaign.campaign_type,
                   campaign.company_id, lead.user_id, reward.issue_date, company_day.currency_id,
                   0, 0, 0, 1, reward.cost
              FROM showroom_campaign_reward reward
              JOIN showroom_campaign campaign ON campaign.id = reward.campaign_id
              JOIN company_day ON company_day.company_id = campaign.company_id
              LEFT JOIN crm_lead lead ON lead.id = reward.lead_id
             WHERE reward.state != 'cancelled'
            """,
            zones=zones,
        )
