#!/usr/bin/env python3
"""Re-export crm_showroom/i18n/crm_showroom.pot and merge it into every i18n/*.po.

    scripts/i18n_update.py                 # scratch database, dropped at the end
    scripts/i18n_update.py --db NAME       # reuse a database (crm_showroom is updated in it first)

1. Installs crm_showroom *with demo data* into a scratch database (or updates it in
   --db). Odoo's export holds every translatable term of the module's records, demo
   records included (as Odoo's own .pot files do), so the database must have demo data.
2. Exports the template with odoo-bin --i18n-export (scripts/common.sh's odoo_bin).
   When only the header dates changed, the committed .pot is left untouched.
3. Rewrites each i18n/<lang>.po from the new template: same entries in the same order
   with the template's comments and references; the existing translation of each msgid
   is kept; new msgids get an empty msgstr; msgids gone from the template are dropped
   (listed with their old translation). No fuzzy matching: Odoo loads fuzzy entries as
   real translations.

It prints the msgids that still need a translation and exits 1 while there are any
(tests/test_translations.py fails until each has one). It runs in the project's
virtualenv (for polib; it re-executes itself there) and gets Odoo, the virtualenv and
PostgreSQL from scripts/common.sh's setup_all, as scripts/run does.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULE = "crm_showroom"
I18N = REPO / MODULE / "i18n"
POT = I18N / f"{MODULE}.pot"
HEADER_DATES = ("POT-Creation-Date", "PO-Revision-Date")
DEMO_SQL = "SELECT demo FROM ir_module_module WHERE name = :'arg'"  # psql_value's :'arg' is $2


def bash(script, *args, check=True, capture=False):
    """Run the bash `script` after scripts/common.sh's setup_all (odoo_bin, drop_db,
    module_state… are defined there); args are its $1, $2… Returns its stdout."""
    done = subprocess.run(
        ["bash", "-c", f"source scripts/common.sh && setup_all && {script}", "i18n_update", *args],
        cwd=REPO, stdout=subprocess.PIPE if capture else None, text=True, check=False,
    )
    if check and done.returncode:
        sys.exit(f"i18n_update: failed with exit status {done.returncode}: {script} {' '.join(args)}")
    return (done.stdout or "").strip()


def ensure_polib():
    """Re-run this script with the project's virtualenv when polib is missing here."""
    try:
        import polib  # noqa: F401, PLC0415
    except ImportError:
        venv = Path(os.environ.get("CRM_SHOWROOM_VENV") or Path.home() / ".cache/crm_showroom/venv")
        python = venv / "bin" / "python"
        if not python.exists() or Path(sys.executable) == python:
            sys.exit("i18n_update: polib is missing; run scripts/run or scripts/test once to create the virtualenv.")
        os.execv(python, [str(python), __file__, *sys.argv[1:]])


def prepare_database(db, reuse):
    """A database where the current crm_showroom is installed with demo data."""
    flags = ["--stop-after-init", "--no-http", "--max-cron-threads=0", "--log-level=warn"]
    if reuse:
        state = bash('module_state "$1" "$2"', db, MODULE, capture=True)
        demo = bash('psql_value "$1" "$3" "$2"', db, MODULE, DEMO_SQL, capture=True)
        if state != "installed" or demo != "t":
            sys.exit(f"i18n_update: {MODULE} is not installed with demo data in {db} (state {state!r}, demo {demo!r}).")
        bash('odoo_bin -d "$1" -u "$2" "${@:3}"', db, MODULE, *flags)
    else:
        bash('drop_db "$1"', db)
        bash('odoo_bin -d "$1" -i "$2" "${@:3}"', db, MODULE, *flags)
        if bash('module_state "$1" "$2"', db, MODULE, capture=True) != "installed":
            sys.exit(f"i18n_update: installing {MODULE} into {db} failed (log above).")


def export_pot(db, path):
    bash(
        'odoo_bin -d "$1" --i18n-export="$2" --modules="$3" --stop-after-init --no-http '
        "--max-cron-threads=0 --log-level=warn --log-handler=py.warnings:ERROR",
        db, str(path), MODULE,
    )
    if not path.exists() or path.stat().st_size == 0:
        sys.exit("i18n_update: odoo-bin wrote no template (log above).")


def same_but_dates(old, new):
    """Whether two templates differ in their header dates only."""

    def content(pofile):
        metadata = {key: value for key, value in pofile.metadata.items() if key not in HEADER_DATES}
        return metadata, [(e.msgid, e.msgstr, e.occurrences, e.comment, e.flags) for e in pofile]

    return content(old) == content(new)


def merge(pot, po_path):
    """Rewrite po_path from the template, keeping its translations. Returns (new, dropped)."""
    import polib  # noqa: PLC0415

    old = polib.pofile(str(po_path))
    translations = {e.msgid: e.msgstr for e in old if not e.obsolete and e.msgstr and "fuzzy" not in e.flags}
    merged = polib.POFile(wrapwidth=78)
    merged.header = old.header or pot.header
    merged.metadata = dict(old.metadata)
    for key in ("Project-Id-Version", "POT-Creation-Date"):
        merged.metadata[key] = pot.metadata.get(key, "")
    untranslated = []
    for entry in pot:
        msgstr = translations.get(entry.msgid, "")
        if not msgstr:
            untranslated.append(entry.msgid)
        merged.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=list(entry.flags),
            )
        )
    pot_ids = {e.msgid for e in pot}
    dropped = [(e.msgid, e.msgstr) for e in old if not e.obsolete and e.msgid not in pot_ids]
    merged.save(str(po_path))
    return untranslated, dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="an existing database with crm_showroom installed with demo data (updated first)")
    args = parser.parse_args()
    ensure_polib()
    import polib  # noqa: PLC0415

    db = args.db or f"crm_showroom_i18n_{os.getpid()}"
    try:
        prepare_database(db, reuse=bool(args.db))
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / f"{MODULE}.pot"
            export_pot(db, fresh)
            pot = polib.pofile(str(fresh), wrapwidth=78)
            old = polib.pofile(str(POT)) if POT.exists() else None
            if old is not None and same_but_dates(old, pot):
                pot = old  # keeps the dates, in the .po headers too: no diff without a change
                print(f"{POT.relative_to(REPO)}: unchanged ({len(pot)} entries)")
            else:
                old_ids = {e.msgid for e in old} if old is not None else set()
                new_ids = {e.msgid for e in pot}
                POT.write_bytes(fresh.read_bytes())
                print(
                    f"{POT.relative_to(REPO)}: {len(pot)} entries "
                    f"(+{len(new_ids - old_ids)} new, -{len(old_ids - new_ids)} removed msgids)"
                )
    finally:
        if not args.db:
            bash('drop_db "$1"', db, check=False)

    to_translate = 0
    for po_path in sorted(I18N.glob("*.po")):
        untranslated, dropped = merge(pot, po_path)
        print(f"{po_path.relative_to(REPO)}: {len(pot)} entries, {len(untranslated)} to translate")
        for msgid, msgstr in dropped:
            print(f"  dropped (no longer in the template): {msgid!r} -> {msgstr!r}")
        for msgid in untranslated:
            print(f"  to translate: {msgid!r}")
        to_translate += len(untranslated)
    return 1 if to_translate else 0


if __name__ == "__main__":
    sys.exit(main())
