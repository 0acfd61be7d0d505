{
    "name": "Showroom CRM",
    "summary": "Car dealership showroom rules on Odoo CRM: prospect grades, "
    "always-open follow-ups with customer feedback, entry standard",
    "description": """
Turns Odoo CRM into the customer system of a car dealership showroom.

* Prospects are graded O/H/A/B/C/N; every grade sets the longest gap between follow-ups.
* Every open opportunity always carries an open follow-up (the 48-hour follow-up is mandatory).
* A done follow-up records what the customer said (reasons and text) and schedules the next one.
* The entry standard: required customer data, mainland-China mobiles, source channels with their
  companions (referrer, introducer, sub-dealer), county-level cities.
* Managers write instructions on done follow-ups; a nightly sweep closes any gap.
""",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_showroom developers",
    "website": "https://github.com/crm-showroom/crm_showroom",
    "license": "LGPL-3",
    "depends": ["crm", "sale_crm", "sale_stock", "l10n_cn_city"],
    "data": [
        "security/crm_showroom_security.xml",
        "security/ir.model.access.csv",
        "security/showroom_vehicle_security.xml",
        "data/mail_activity_type_data.xml",
        "data/showroom_grade_data.xml",
        "data/showroom_feedback_reason_data.xml",
        "data/showroom_source_channel_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_plan_data.xml",
        "data/mail_template_data.xml",
        "data/account_payment_term_data.xml",
        "wizard/showroom_followup_done_views.xml",
        "wizard/showroom_followup_cancel_views.xml",
        "wizard/showroom_followup_instruction_views.xml",
        "views/showroom_grade_views.xml",
        "views/showroom_feedback_reason_views.xml",
        "views/showroom_source_channel_views.xml",
        "views/crm_team_views.xml",
        "views/mail_activity_views.xml",
        "views/crm_lead_views.xml",
        "views/showroom_vehicle_views.xml",
        "views/product_template_views.xml",
        "views/product_attribute_views.xml",
        "views/res_partner_vehicle_views.xml",
        "views/mail_activity_plan_template_views.xml",
        "views/mail_template_views.xml",
        "views/account_payment_term_views.xml",
        "views/sale_order_payment_plan_templates.xml",
        "views/sale_order_payment_plan_views.xml",
        "views/crm_lead_payment_views.xml",
        "views/res_partner_receivable_views.xml",
        "views/res_config_settings_views.xml",
        "report/showroom_receivable_report_views.xml",
        "report/showroom_statement_report.xml",
        "report/showroom_statement_templates.xml",
        "views/crm_showroom_menus.xml",
        "views/crm_showroom_vehicle_menus.xml",
    ],
    "demo": [
        "demo/crm_showroom_demo.xml",
        "demo/crm_showroom_sale_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_showroom/static/src/**/*",
        ],
    },
    "application": False,
    "installable": True,
}
