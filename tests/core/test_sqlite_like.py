from hypothesis import given
from hypothesis import strategies as st

from styrkort.core.sqlite import like
from styrkort.planning.models import PlanItem
from tests.builders import plan_with_items


def test_swedish_letters_fold_case_in_searches(region):
    _, items = plan_with_items(region, count=1)
    PlanItem.objects.filter(pk=items[0].pk).update(text="Åtgärdsplan för ekonomi i balans")
    assert PlanItem.objects.filter(text__icontains="ÅTGÄRDSPLAN").count() == 1
    assert PlanItem.objects.filter(text__icontains="åtgärdsplan").count() == 1
    assert PlanItem.objects.filter(text__icontains="övrigt").count() == 0


def test_like_handles_wildcards_and_escapes():
    assert like("%100\\%%", "Nu 100% klart", "\\") == 1
    assert like("%100\\%%", "Nu 1000 klart", "\\") == 0
    assert like("a_c", "ABC") == 1
    assert like(None, "x") is None


@given(st.text(), st.text())
def test_contains_pattern_matches_exactly_when_folded_text_contains_it(needle, haystack):
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = like(f"%{escaped}%", haystack, "\\") == 1
    if needle.casefold() in haystack.casefold() and needle.lower() == needle.casefold():
        assert found
