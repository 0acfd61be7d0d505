"""Contact channels of a customer (R5.2, R5.3): mainland-China mobiles, QQ and
WeChat. Pure functions; the models turn a ``None`` into a translated error."""

import re
import unicodedata

# Mainland-China mobile numbers: 11 digits on the prefixes the MIIT numbering
# plan assigns to mobile networks (13x, 145-149, 15x but 154, 162/165-167, 170-178,
# 18x, 19x but 194). A national numbering fact, not a dealership rule.
# ASCII digits only: Python's ``\d`` also matches other scripts' digits, which
# would be stored as typed and never equal the same number in ASCII.
CN_MOBILE_RE = re.compile(r"^1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$", re.ASCII)
QQ_RE = re.compile(r"^[1-9]\d{4,11}$")
# WeChat IDs: 6-20 letters, digits, '_' or '-', starting with a letter; many
# customers give their mobile number instead, which WeChat also finds.
WECHAT_RE = re.compile(r"^(?:[A-Za-z][-_A-Za-z0-9]{5,19}|1\d{10})$")
SEPARATORS_RE = re.compile(r"[\s\-().]")
CN_PREFIX_RE = re.compile(r"^(?:\+86|0086)")


def compact_number(number):
    """``number`` as typed, width-folded (NFKC: full-width digits and "＋" of a
    Chinese keyboard become ASCII) and without separators: the one reading of a
    typed number every check and format starts from."""
    return SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", number))


def is_chinese_number(number, country_code):
    """Whether ``number`` is to be read as a mainland-China number: it carries
    China's country code, or no country code while the country is China or
    unknown."""
    digits = compact_number(number)
    if digits.startswith(("+86", "0086")):
        return True
    return not digits.startswith(("+", "00")) and country_code in (None, "CN")


def format_cn_mobile(number):
    """``number`` as ``+86 138 0013 8000``, or ``None`` when it is not a
    mainland-China mobile number."""
    national = CN_PREFIX_RE.sub("", compact_number(number))
    if not CN_MOBILE_RE.match(national):
        return None
    return f"+86 {national[:3]} {national[3:7]} {national[7:]}"


def is_qq(value):
    return bool(QQ_RE.match(value))


def is_wechat(value):
    return bool(WECHAT_RE.match(value))
