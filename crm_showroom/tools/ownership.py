"""Ownership conflicts between consultants (R7): pure helpers of
``showroom.conflict``."""

import re

NOT_E164_RE = re.compile(r"[^\d+]")


def e164(international_number):
    """The E.164 form (``+8613800138000``) of a number stored in international
    format (``+86 138 0013 8000``, how showroom opportunities store mobiles):
    how ``res.partner.phone_sanitized`` stores it; ``False`` for no number."""
    return NOT_E164_RE.sub("", international_number or "") or False


def first_visit_is_recent(first_day, today, recent_days):
    """R7.2: the customer first visited (``first_day``, a calendar day of the
    company) within ``recent_days`` days of ``today``: the earlier registration
    wins without the manager."""
    return bool(first_day) and (today - first_day).days <= recent_days
