from odoo import api, models

from .report_showroom_statement import CJK_FONT_FAMILY


class ReportShowroomFollowupCompliance(models.AbstractModel):
    """The managers' PDF of the follow-up compliance rows they selected (G6),
    in a font with the Chinese glyphs of the consultants' names."""

    _name = "report.crm_showroom.report_showroom_followup_compliance"
    _description = "Follow-up Compliance PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["showroom.followup.compliance.report"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "showroom.followup.compliance.report",
            "docs": docs,
            "font_family": f"{self.env.company.font or 'Lato'}, {CJK_FONT_FAMILY}",
        }
