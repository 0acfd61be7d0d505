"""Blank text (R4.3): what counts as "nothing written", one definition for Python
and SQL. Pure functions."""

# Every character Python's ``str.isspace`` (hence ``str.strip()``) counts as
# whitespace: blanks, tabs, line breaks, the no-break and ideographic spaces…
# (``tests/test_text.py`` checks the list against ``str.isspace``.)
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def is_blank(text):
    """Whether ``text`` is empty, ``None``/``False`` or ``WHITESPACE`` only."""
    return not (text or "").strip(WHITESPACE)


def sql_is_blank(column):
    """``is_blank`` in SQL for the text expression ``column``: trimmed of the same
    ``WHITESPACE`` (it holds no quote, so it is a plain string literal)."""
    return f"(btrim(COALESCE({column}, ''), '{WHITESPACE}') = '')"
