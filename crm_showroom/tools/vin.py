"""Vehicle identification numbers (VIN): ISO 3779, with the check digit of
GB 16735 (China) and 49 CFR 565 (North America).

Pure functions, no Odoo: ``stock.lot`` turns their findings into translated
errors. A VIN has 17 characters, digits and capital letters except I, O and Q
(too easily read as 1 and 0); its 9th character is a check digit computed from
the other 16.
"""

import re

VIN_LENGTH = 17
CHECK_DIGIT_POSITION = 9  # 1-based, as the standards count

# Letter values of the check-digit computation (digits stand for themselves).
TRANSLITERATION = {
    **{str(digit): digit for digit in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
FORBIDDEN_LETTERS = frozenset("IOQ")

_SPACES_RE = re.compile(r"\s+")


def normalize_vin(value):
    """The VIN as stored: upper case, without spaces."""
    return _SPACES_RE.sub("", value or "").upper()


def vin_check_digit(vin):
    """The check digit ('0'-'9' or 'X') the 17-character ``vin`` must carry at
    position 9: the weighted sum of the transliterated characters modulo 11,
    10 written 'X'. Raises ``KeyError`` on a character without a value."""
    total = sum(TRANSLITERATION[char] * weight for char, weight in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check_digit(vin):
    """``vin`` with its 9th character replaced by the right check digit (for
    generating test and demo VINs)."""
    vin = normalize_vin(vin)
    return vin[: CHECK_DIGIT_POSITION - 1] + vin_check_digit(vin) + vin[CHECK_DIGIT_POSITION:]


def vin_problem(vin):
    """What is wrong with the (normalised) ``vin``, or ``None`` when it is valid.

    Returns a tuple ``(kind, details)``:

    * ``("length", {"length": n})``: not 17 characters;
    * ``("forbidden_letter", {"char": c, "position": p})``: I, O or Q;
    * ``("invalid_char", {"char": c, "position": p})``: not a digit or a letter;
    * ``("check_digit", {"expected": e, "found": f})``: wrong check digit.
    """
    if len(vin) != VIN_LENGTH:
        return "length", {"length": len(vin)}
    for position, char in enumerate(vin, start=1):
        if char in FORBIDDEN_LETTERS:
            return "forbidden_letter", {"char": char, "position": position}
        if char not in TRANSLITERATION:
            return "invalid_char", {"char": char, "position": position}
    expected = vin_check_digit(vin)
    found = vin[CHECK_DIGIT_POSITION - 1]
    if expected != found:
        return "check_digit", {"expected": expected, "found": found}
    return None
