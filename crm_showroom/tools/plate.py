"""Vehicle plate numbers (R5.1: the car after delivery)."""

import re

SEPARATORS_RE = re.compile(r"[\s·.\-]")


def normalize_plate(value):
    """``value`` without spaces or separators, in capitals: ``冀f·a 1234`` is
    ``冀FA1234``, so that one plate is written one way (and found, and unique)."""
    return SEPARATORS_RE.sub("", value or "").upper() or False
