"""The Kolada client against a local stand-in: both API versions, paging, and each failure."""

from decimal import Decimal

import pytest

from styrkort.kolada.client import (
    KoladaClient,
    KoladaError,
    KoladaMalformed,
    KoladaNotFound,
    KoladaRefused,
    KoladaUnavailable,
    api_version,
)
from tests.kolada.conftest import V2_FIRST, V2_SECOND, V3_FIRST, V3_SECOND, V3_THIRD


def _by_key(values):
    return {(v.year, v.gender): v for v in values}


def test_v2_answer_over_two_pages_is_read_whole(kolada):
    kolada.serve_v2_pages()
    pages = []
    values = kolada.client("v2").data(
        kpi="N00945", municipality="0023", years=[2023, 2022], on_page=pages.append
    )
    assert kolada.requests == [V2_FIRST, V2_SECOND]
    assert pages == [1, 2]
    got = _by_key(values)
    assert set(got) == {(y, g) for y in (2022, 2023) for g in "TKM"}
    # Period as a number; values exact, never through binary floating point.
    assert got[(2022, "T")].value == Decimal("45.0")
    assert got[(2023, "K")].value == Decimal("49.25")
    assert all(v.kpi == "N00945" and v.municipality == "0023" for v in values)


def test_v3_answer_over_three_pages_with_periods_as_strings(kolada):
    kolada.serve_v3_pages()
    values = kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    assert kolada.requests == [V3_FIRST, V3_SECOND, V3_THIRD]
    got = _by_key(values)
    assert got[(2022, "M")].value == Decimal("41.3")
    # The withdrawn value (isdeleted) is left out; its replacement is kept.
    assert got[(2023, "T")].value == Decimal("45.7")
    assert [v.value for v in values if (v.year, v.gender) == (2023, "T")] == [Decimal("45.7")]
    # No value for 2024: null with Kolada's status.
    assert got[(2024, "T")].value is None and got[(2024, "T")].status == "Saknas"


def test_next_page_is_followed_on_the_configured_host_under_its_path(kolada):
    # A mirror serving the API under /mirror/v3: Kolada's link to /v3/... is put under it.
    kolada.serve("/mirror" + V3_FIRST, "v3_N00945_0023_page1.json")
    kolada.serve("/mirror" + V3_SECOND, "v3_N00945_0023_page2.json")
    kolada.serve("/mirror" + V3_THIRD, "v3_N00945_0023_page3.json")
    client = KoladaClient(base_url=kolada.url("mirror/v3"), version="", timeout=5)
    values = client.data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    assert len(kolada.requests) == 3 and all(r.startswith("/mirror/v3/") for r in kolada.requests)
    assert {v.year for v in values} == {2022, 2023, 2024}


def test_the_other_versions_next_link_is_followed_too(kolada):
    # Configured as v2 but the server answers in v3's shape (next_url): still every page.
    kolada.serve(V3_FIRST, "v3_N00945_0023_page1.json")
    kolada.serve(V3_SECOND, "v3_N00945_0023_page2.json")
    kolada.serve(V3_THIRD, "v3_N00945_0023_page3.json")
    client = KoladaClient(base_url=kolada.url("v3"), version="2", timeout=5)
    assert client.version == 2
    client.data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    assert len(kolada.requests) == 3


def test_gender_f_from_the_v2_documentation_reads_as_women(kolada):
    kolada.serve_body(
        "/v2/data/kpi/N00945/municipality/0023/year/2022",
        b'{"count": 1, "values": [{"kpi": "N00945", "municipality": "0023", "period": 2022,'
        b' "values": [{"count": 1, "gender": "F", "status": "", "value": 12}]}]}',
    )
    (value,) = kolada.client("v2").data(kpi="N00945", municipality="0023", years=[2022])
    assert value.gender == "K" and value.value == Decimal(12)


def test_404_names_the_kpi_and_the_municipality(kolada):
    with pytest.raises(KoladaNotFound) as exc:
        kolada.client("v3").data(kpi="N99999", municipality="0023", years=[2023])
    message = str(exc.value)
    assert "HTTP 404" in message and "N99999" in message and "0023" in message
    assert "sida 1" in message


def test_500_says_kolada_is_unavailable(kolada):
    kolada.serve(V3_FIRST, "server_error.html", status=500)
    with pytest.raises(KoladaUnavailable) as exc:
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    assert "inte tillgängligt" in str(exc.value) and "HTTP 500" in str(exc.value)
    assert "försök igen senare" in str(exc.value)


def test_other_4xx_is_a_refusal(kolada):
    kolada.serve(V3_FIRST, "not_found.html", status=400)
    with pytest.raises(KoladaRefused, match="avvisade frågan \\(HTTP 400"):
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])


def test_a_truncated_page_is_malformed_and_says_which_page_and_where(kolada):
    kolada.serve(V3_FIRST, "v3_N00945_0023_page1.json")
    kolada.serve(V3_SECOND, "malformed_truncated.json")
    with pytest.raises(KoladaMalformed) as exc:
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    message = str(exc.value)
    assert "inte är JSON" in message and "sida 2" in message
    assert "rad 10, kolumn 3" in message


def test_a_wrong_shape_names_the_field(kolada):
    kolada.serve(V3_FIRST, "unexpected_shape.json")
    with pytest.raises(KoladaMalformed) as exc:
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022, 2023, 2024])
    assert "values[0].period ska vara ett årtal, inte 'år 2022'" in str(exc.value)


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"[]", "svaret ska vara ett JSON-objekt, inte en lista"),
        (b'{"count": 0}', "fältet values saknas"),
        (b'{"values": {}}', "values ska vara en lista, inte ett objekt"),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "values": []}]}',
            "values[0].period saknas",
        ),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "period": true,'
            b' "values": []}]}',
            "values[0].period ska vara ett årtal",
        ),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "period": 2022,'
            b' "values": [{"gender": "X", "value": 1}]}]}',
            "values[0].values[0].gender ska vara T, K eller M, inte 'X'",
        ),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "period": 2022,'
            b' "values": [{"gender": "T", "value": "45,0"}]}]}',
            "values[0].values[0].value ska vara ett tal eller null, inte '45,0'",
        ),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "period": 2022,'
            b' "values": [{"gender": "T", "value": NaN}]}]}',
            "inte är JSON",
        ),
        (
            b'{"values": [{"kpi": "N00001", "municipality": "0023", "period": 2022,'
            b' "values": [{"gender": "T", "value": 1}]}]}',
            "values[0].values[0] gäller N00001 för 0023, men frågan gällde N00945 för 0023",
        ),
        (
            b'{"values": [{"kpi": "N00945", "municipality": "0023", "period": 2022,'
            b' "values": [{"gender": "T", "value": 1}, {"gender": "T", "value": 2}]}]}',
            "values[0].values[1] ger ett andra värde för N00945, 2022, kön T",
        ),
    ],
)
def test_each_kind_of_bad_body_is_named(kolada, body, expected):
    kolada.serve_body("/v3/data/kpi/N00945/municipality/0023/year/2022", body)
    with pytest.raises(KoladaMalformed) as exc:
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022])
    assert expected in str(exc.value)


def test_a_next_link_back_to_a_fetched_page_stops(kolada):
    first = "/v3/data/kpi/N00945/municipality/0023/year/2022"
    kolada.serve_body(
        first,
        b'{"values": [], "next_url": "https://api.kolada.se' + first.encode() + b'"}',
    )
    with pytest.raises(KoladaMalformed, match="tillbaka på en sida som redan är hämtad"):
        kolada.client("v3").data(kpi="N00945", municipality="0023", years=[2022])
    assert kolada.requests == [first]


def test_connection_refused_says_kolada_cannot_be_reached(closed_port):
    client = KoladaClient(base_url=f"http://127.0.0.1:{closed_port}/v3", version="", timeout=5)
    with pytest.raises(KoladaUnavailable) as exc:
        client.data(kpi="N00945", municipality="0023", years=[2023])
    assert "Kan inte nå Kolada" in str(exc.value) and "nekades" in str(exc.value)


def test_no_answer_within_the_timeout(kolada):
    kolada.slow(V3_FIRST, "v3_N00945_0023_page1.json", delay=3)
    with pytest.raises(KoladaUnavailable, match=r"svarade inte inom 0\.3 sekunder"):
        kolada.client("v3", timeout=0.3).data(
            kpi="N00945", municipality="0023", years=[2022, 2023, 2024]
        )


@pytest.mark.parametrize(
    "url, explicit, version",
    [
        ("https://api.kolada.se/v2", None, 2),
        ("https://api.kolada.se/v3/", "", 3),
        ("http://127.0.0.1:8000/kolada", "3", 3),
        ("https://api.kolada.se/v3", "v2", 2),
    ],
)
def test_api_version_from_the_url_or_the_setting(url, explicit, version):
    assert api_version(url, explicit) == version


def test_api_version_that_cannot_be_told_is_an_error():
    with pytest.raises(KoladaError, match="låt den sluta på /v2 eller /v3"):
        api_version("http://127.0.0.1:8000/kolada")
    with pytest.raises(KoladaError, match="ska vara 2 eller 3"):
        api_version("https://api.kolada.se/v3", "4")


def test_ids_are_checked_before_asking(kolada):
    with pytest.raises(KoladaRefused, match="inget Kolada-id för nyckeltal"):
        kolada.client().data(kpi="N945", municipality="0023", years=[2023])
    with pytest.raises(KoladaRefused, match="inget Kolada-id för kommun"):
        kolada.client().data(kpi="N00945", municipality="23", years=[2023])
    assert kolada.requests == []


def test_base_url_from_settings(settings, kolada):
    settings.KOLADA_BASE_URL = kolada.url("v2")
    settings.KOLADA_API_VERSION = ""
    settings.KOLADA_TIMEOUT = 7
    client = KoladaClient()
    assert (client.base_url, client.version, client.timeout) == (kolada.url("v2"), 2, 7.0)
    settings.KOLADA_BASE_URL = "api.kolada.se/v3"
    with pytest.raises(KoladaError, match="ingen webbadress"):
        KoladaClient()
