"""Compile locale/*/LC_MESSAGES/django.po to .mo with Babel (no GNU gettext needed).

With --check, compile in memory and fail if a message is untranslated or the committed .mo
differs from what the .po gives.
"""

import io
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "styrkort" / "locale"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as f:
            catalog = read_po(f)
        # A fuzzy entry is gettext's guess from a similar string ("from unit" -> "enhet"):
        # wrong more often than not, so it counts as untranslated.
        missing = [m.id for m in catalog if m.id and (not m.string or "fuzzy" in m.flags)]
        if missing:
            print(f"{po_path}: {len(missing)} untranslated: {missing[:5]}", file=sys.stderr)
            status = 1
            continue
        mo_path = po_path.with_suffix(".mo")
        if check:
            wanted = {m.id: m.string for m in catalog if m.id}
            with mo_path.open("rb") as f:
                compiled = {m.id: m.string for m in read_mo(f) if m.id}
            if wanted != compiled:
                print(f"{mo_path} is stale: run `make messages`", file=sys.stderr)
                status = 1
            continue
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        mo_path.write_bytes(buffer.getvalue())
        print(f"compiled {mo_path} ({len(catalog)} messages)")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
