"""Visit cards against the CRM (R2.1, R8.1): whether the paper card's customer is
the opportunity's. Pure functions; ``showroom.visit`` and the daily inspection
read the verdict."""

import re
import unicodedata

# Blanks and the dots, dashes and middle dots names are written with
# ("Sun Li", "孙 立", "阿卜杜·热合曼").
NAME_NOISE_RE = re.compile(r"[\s.\-·•_]+")


def normalize_name(name):
    """``name`` compared as a person reads it: width- and case-folded (NFKC), without
    blanks and separators; ``""`` for no name."""
    return NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


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
    names = {normalize_name(name) for name in lead_names} - {""}
    if normalize_name(visit_name) not in names:
        return "mismatch"
    return "matched"
