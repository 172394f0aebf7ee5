"""Compile locale/*/LC_MESSAGES/django.po to .mo with Babel (no GNU gettext needed)."""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "styrkort" / "locale"


def main() -> int:
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as f:
            catalog = read_po(f)
        missing = [m.id for m in catalog if m.id and not m.string]
        if missing:
            print(f"{po_path}: {len(missing)} untranslated: {missing[:5]}", file=sys.stderr)
            return 1
        with po_path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        print(f"compiled {po_path.with_suffix('.mo')} ({len(catalog)} messages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
