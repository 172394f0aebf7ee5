from styrkort.core.status import default_scale, status_by_word, text_colour, worst


def test_default_scale_is_red_yellow_green_plus_no_data(region):
    statuses = list(default_scale(region.org).statuses.order_by("rank"))
    labels = [(s.label, s.rank, s.is_assessed) for s in statuses]
    assert ("Röd", 0, True) in labels and ("Gul", 1, True) in labels and ("Grön", 2, True) in labels
    assert ("Inga data", None, False) in labels


def test_words_match_ignoring_case_and_synonyms(region):
    statuses = list(default_scale(region.org).statuses.all())
    assert status_by_word(statuses, " röd ").code == "red"
    assert status_by_word(statuses, "Delvis uppfyllt").code == "yellow"
    assert status_by_word(statuses, "Lila") is None


def test_worst_ignores_not_assessed(region):
    s = {x.code: x for x in default_scale(region.org).statuses.all()}
    assert worst([s["green"], s["no-data"], s["yellow"], None]) == s["yellow"]
    assert worst([s["no-data"], None]) is None


def test_label_colours_reach_aa_contrast(region):
    def luminance(hex_):
        rgb = [int(hex_.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for status in default_scale(region.org).statuses.all():
        fg, bg = luminance(text_colour(status)), luminance(status.colour)
        ratio = (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05)
        assert ratio >= 4.5, (status.label, ratio)
