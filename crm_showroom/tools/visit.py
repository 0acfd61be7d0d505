"""Visit cards against the CRM (R2.1, R8.1): whether the paper card's customer is
the opportunity's. Pure functions; ``showroom.visit`` and the daily inspection
read the verdict. The inspection's SQL compares the keys these functions made
and the models stored (``showroom.visit.name_key``, ``crm.lead.showroom_name_keys``):
PostgreSQL has no ``casefold`` and its ``lower`` depends on the collation."""

import re
import unicodedata

# Blanks and the dots, dashes and middle dots names are written with
# ("Sun Li", "孙 立", "阿卜杜·热合曼").
NAME_NOISE_RE = re.compile(r"[\s.\-·•_]+")
KEY_SEPARATOR = " "


def normalize_name(name):
    """``name`` compared as a person reads it: width- and case-folded (NFKC), without
    blanks and separators; ``""`` for no name."""
    return NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def name_keys(names):
    """The keys (``normalize_name``) of ``names``, without the empty ones, sorted and
    joined by ``KEY_SEPARATOR``: how an opportunity stores its names for SQL. A key
    has no blank, so the separator cannot be part of one."""
    return KEY_SEPARATOR.join(sorted({normalize_name(name) for name in names} - {""}))


def sql_name_mismatch(key, keys):
    """The name test of ``visit_match_state`` in SQL, on stored values: true when
    the card's ``key`` (``normalize_name``) is empty or not among ``keys``
    (``name_keys`` of the opportunity's names)."""
    return f"({key} IS NULL OR NOT {key} = ANY(string_to_array(COALESCE({keys}, ''), '{KEY_SEPARATOR}')))"


def visit_match_state(visit_name, visit_mobile, lead_names, lead_mobile, matched=True):
    """R8.1: ``"unmatched"`` when the visit has no opportunity (``matched`` false),
    ``"mismatch"`` when the opportunity's mobile differs from the visit's, or the
    visit's customer name is none of the opportunity's names (``lead_names``: its
    contact, customer, company), else ``"matched"``. Mobiles are compared as
    normalised by the models (the same format on visits and opportunities)."""
    if not matched:
        return "unmatched"
    if (visit_mobile or "") != (lead_mobile or ""):
        return "mismatch"
    key = normalize_name(visit_name)
    if not key or key not in name_keys(lead_names).split(KEY_SEPARATOR):
        return "mismatch"
    return "matched"
