"""crm_showroom's translations: i18n/zh_CN.po is complete and i18n/crm_showroom.pot is current.

The first tests read the files only (fast). The last one exports a fresh template from a
copy of the demo database (Odoo exports the terms of every record of the module, demo
records included, as its own .pot files do) and compares it with the committed one.
scripts/i18n_update.py re-exports the template and merges it into the .po files.
"""

import re

import polib
import pytest
from odoo_runner import MODULE, REPO

I18N = REPO / MODULE / "i18n"
POT = I18N / f"{MODULE}.pot"
LANGS = {"zh_CN": "nplurals=1; plural=0;"}  # the languages that must be complete: Plural-Forms
REGENERATE = "scripts/i18n_update.py  (re-exports the .pot and merges it into i18n/*.po; see its docstring)"

# What a translation must keep exactly: printf placeholders, QWeb/format expressions,
# HTML/XML tags with their attributes (t-… attributes included).
PLACEHOLDER_RE = re.compile(
    r"%%"  # a literal percent sign
    r"|%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]"  # %s, %d, %(name)s, %.2f…
    r"|\{\{.*?\}\}"  # {{ expression }}
    r"|<[^>]*>"  # <tag attribute="…">, </tag>
)


def placeholders(text):
    return sorted(PLACEHOLDER_RE.findall(text))


def entries(path):
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def show(msgids, limit=40):
    lines = [f"    {msgid!r}" for msgid in sorted(msgids)[:limit]]
    if len(msgids) > limit:
        lines.append(f"    … and {len(msgids) - limit} more")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pot_msgids():
    assert POT.is_file(), f"{POT.relative_to(REPO)} is missing; create it with {REGENERATE}"
    return {entry.msgid for entry in entries(POT)}


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_po_covers_the_template(lang, pot_msgids):
    path = I18N / f"{lang}.po"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing; create it with {REGENERATE}"
    po = polib.pofile(str(path))
    assert po.metadata.get("Language") == lang, f"{path.name}: header Language is {po.metadata.get('Language')!r}"
    assert po.metadata.get("Plural-Forms") == LANGS[lang], f"{path.name}: header Plural-Forms"

    translations = {entry.msgid: entry for entry in entries(path)}
    problems = []
    missing = pot_msgids - set(translations)
    if missing:
        problems.append(f"msgids of the template missing from {path.name}:\n{show(missing)}")
    stale = set(translations) - pot_msgids
    if stale:
        problems.append(f"msgids of {path.name} no longer in the template:\n{show(stale)}")
    empty = {msgid for msgid, entry in translations.items() if msgid in pot_msgids and not entry.msgstr.strip()}
    if empty:
        problems.append(f"untranslated (empty msgstr):\n{show(empty)}")
    # Odoo loads fuzzy entries as if they were reviewed translations.
    fuzzy = {msgid for msgid, entry in translations.items() if "fuzzy" in entry.flags}
    if fuzzy:
        problems.append(f"fuzzy (review, then remove the flag):\n{show(fuzzy)}")
    for msgid, entry in sorted(translations.items()):
        if entry.msgstr and placeholders(msgid) != placeholders(entry.msgstr):
            problems.append(
                f"placeholders or tags differ in {msgid!r}:\n"
                f"    msgid  {placeholders(msgid)}\n    msgstr {placeholders(entry.msgstr)}"
            )
    assert not problems, f"{path.relative_to(REPO)}:\n" + "\n".join(problems) + f"\nUpdate it with {REGENERATE}"


@pytest.mark.slow
def test_pot_is_current(odoo, demo_template, tmp_path):
    db = odoo.copy_db(demo_template, "i18n")
    fresh = tmp_path / f"{MODULE}.pot"
    odoo.run(
        "-d", db, f"--i18n-export={fresh}", f"--modules={MODULE}", "--stop-after-init", "--no-http",
        "--max-cron-threads=0", "--log-handler=py.warnings:ERROR",
        name="i18n-export",
    ).assert_clean()
    assert fresh.is_file(), "odoo-bin --i18n-export wrote no file"
    odoo.drop_db(db)

    committed, exported = entries(POT), entries(fresh)
    committed_ids = {entry.msgid for entry in committed}
    exported_ids = {entry.msgid for entry in exported}
    missing, extra = exported_ids - committed_ids, committed_ids - exported_ids
    problems = []
    if missing:
        problems.append(f"msgids missing from the committed .pot:\n{show(missing)}")
    if extra:
        problems.append(f"msgids in the committed .pot that the code no longer has:\n{show(extra)}")
    # Odoo applies the translation of a record's term by the reference (xmlid) the .pot
    # gives it: a known msgid used by a new record is untranslated there until the .pot
    # lists that reference too.
    if not problems:
        def references(pofile_entries):
            return {(entry.msgid, ref) for entry in pofile_entries for ref, _line in entry.occurrences}

        new_refs = references(exported) - references(committed)
        old_refs = references(committed) - references(exported)
        if new_refs:
            problems.append("references missing from the committed .pot:\n" + show([f"{r}: {m}" for m, r in new_refs]))
        if old_refs:
            problems.append("references the code no longer has:\n" + show([f"{r}: {m}" for m, r in old_refs]))
    assert not problems, (
        f"{POT.relative_to(REPO)} is not current:\n" + "\n".join(problems) + f"\nRegenerate it with {REGENERATE}"
    )
