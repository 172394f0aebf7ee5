"""The API's OpenAPI schema, committed as docs/api/openapi.json so a change to the contract
shows in review.

    python scripts/api_schema.py            print the schema
    python scripts/api_schema.py --write    update docs/api/openapi.json
    python scripts/api_schema.py --check    exit 1 (and say how to update) when it differs
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "docs" / "api" / "openapi.json"
PREFIX = "/api/v1/"


def current_schema() -> str:
    """The schema as the running code generates it: pretty, sorted keys, one final newline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.settings")
    os.environ.setdefault("SECRET_KEY", "api-schema")
    import django

    django.setup()
    from styrkort.api.main import api

    # The prefix is given, not reversed, so the schema does not depend on the URL conf.
    schema = api.get_openapi_schema(path_prefix=PREFIX)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def difference(snapshot: Path | None = None) -> list[str]:
    """The unified diff from the committed snapshot to the current schema ([] when equal)."""
    snapshot = snapshot or SNAPSHOT
    now = current_schema()
    before = snapshot.read_text(encoding="utf-8") if snapshot.exists() else ""
    return list(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            now.splitlines(keepends=True),
            fromfile=str(snapshot.relative_to(ROOT)),
            tofile="generated",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="update docs/api/openapi.json")
    group.add_argument("--check", action="store_true", help="fail when the snapshot is stale")
    args = parser.parse_args(argv)
    if args.write:
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current_schema(), encoding="utf-8")
        print(f"Wrote {SNAPSHOT.relative_to(ROOT)}")
        return 0
    if args.check:
        diff = difference()
        if diff:
            sys.stdout.writelines(diff[:200])
            print(
                "\nThe API schema changed but docs/api/openapi.json was not updated. If the "
                "change is intended, run: python scripts/api_schema.py --write"
            )
            return 1
        print("docs/api/openapi.json is up to date.")
        return 0
    sys.stdout.write(current_schema())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
