"""The committed schema (docs/api/openapi.json) is the contract: a change to the API that is
not reflected there fails here, with the command that updates it."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_schema.py"


def _script():
    spec = importlib.util.spec_from_file_location("api_schema", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schema_matches_the_code():
    diff = _script().difference()
    assert not diff, (
        "The API schema changed but docs/api/openapi.json was not updated. If the change is "
        "intended, run `python scripts/api_schema.py --write` and commit the file.\n"
        + "".join(diff[:80])
    )


def test_served_schema_is_the_committed_one(client):
    import json

    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(_script().SNAPSHOT.read_text(encoding="utf-8"))
    assert served == committed


def test_a_stale_snapshot_is_reported_with_how_to_update_it(tmp_path, capsys):
    module = _script()
    stale = tmp_path / "openapi.json"
    stale.write_text('{"openapi": "3.1.0"}\n', encoding="utf-8")
    module.SNAPSHOT = stale
    module.ROOT = tmp_path
    assert module.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "python scripts/api_schema.py --write" in out
    assert '+  "components"' in out  # the diff shows what changed


def test_docs_page_uses_the_bundled_swagger_ui_not_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
