from odoo import api, fields, models
from odoo.tools import SQL


class ShowroomConflictKey(models.Model):
    """What makes the ownership check (R7) hold when two consultants enter one
    customer at the same moment: one row per company and customer key (the
    normalised mobile, or the commercial customer) of every showroom opportunity
    checked, unique in the database.

    Odoo's transactions read a snapshot, so the check of an opportunity created at
    the same moment as a colleague's cannot see it: neither would open the
    conflict. Both write the same key row instead (``_showroom_touch``): the later
    transaction waits for the earlier, then fails with a serialization error, and
    Odoo runs the request again; the new run sees the earlier opportunity and opens
    the conflict. Rows are only ever written by the system (sudo); they carry no
    customer data beyond the key."""

    _name = "showroom.conflict.key"
    _description = "Ownership check key"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    key = fields.Char(
        required=True, help="“mobile:” and the normalised mobile, or “partner:” and the commercial customer's id."
    )

    _sql_constraints = [
        ("company_key_uniq", "unique(company_id, key)", "An ownership check key exists once per company."),
    ]

    @api.model
    def _showroom_touch(self, leads):
        """Write (insert or touch) the key rows of ``leads``, in one statement and in
        a fixed order (two transactions touching several keys never deadlock)."""
        keys = sorted(
            {
                (lead.company_id.id, key)
                for lead in leads
                for key in (
                    lead.mobile and f"mobile:{lead.mobile}",
                    lead.partner_id and f"partner:{lead.partner_id.commercial_partner_id.id}",
                )
                if key
            }
        )
        if not keys:
            return
        company_ids, key_values = zip(*keys, strict=True)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO showroom_conflict_key (company_id, key, create_uid, create_date, write_uid, write_date)
                SELECT company_id, key, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(companies)s::int[], %(keys)s::varchar[]) AS k(company_id, key)
                ON CONFLICT (company_id, key)
                DO UPDATE SET write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                uid=self.env.uid,
                companies=list(company_ids),
                keys=list(key_values),
            )
        )
