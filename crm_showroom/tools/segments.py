"""Segments (G5): a segment is a company.

Every showroom record belongs to a company and multi-company record rules keep
each segment's data to itself. Two helpers own the segment rules that record
rules cannot express:

* ``default_company``: configuration a person creates belongs to their current
  company (segment); configuration the system creates (data files, upgrades)
  serves every company (no company);
* ``check_segment_moves``: only group management moves a customer (a showroom
  opportunity, a base customer, a vehicle) from one company to another.
"""

from odoo.exceptions import AccessError

SEGMENT_MOVER_GROUP = "crm_showroom.group_showroom_group_management"


def default_company(model):
    """Default ``company_id`` of a configuration record of ``model`` that may serve
    every company: the current company for a person, none for the system."""
    return model.env["res.company"] if model.env.su else model.env.company


def segment_companies(records):
    """``{id: company}`` of ``records`` before a write that may move them."""
    return {record.id: record.company_id for record in records}


def check_segment_moves(records, companies_before, new_company=None):
    """G5: raise an ``AccessError`` if one of ``records`` goes from the company it had
    in ``companies_before`` to another company and the user is not group
    management. ``new_company``: the company a write gives them, checked before the
    write; without it, their company now, checked after the write, so that company
    changes made by computes (an opportunity's company follows its team and
    salesperson) are caught too (the error rolls the write back). A record of no
    company that gets one is placed, not moved; one that loses its company (stock
    Odoo clears an unassigned opportunity's company when its team has none)
    enters no other segment."""
    env = records.env
    if env.su or env.user.has_group(SEGMENT_MOVER_GROUP):
        return
    moved = records.filtered(
        lambda record: (
            companies_before.get(record.id)
            and (target := record.company_id if new_company is None else new_company)
            and target != companies_before[record.id]
        )
    )
    if moved:
        record = moved[0]
        raise AccessError(
            env._(
                "Only Group Management can move %(record)s from %(company)s to another company (segment).",
                record=record.display_name,
                company=companies_before[record.id].display_name,
            )
        )
