"""Layout "målbarometer": a goal barometer's page (miljöbarometern, hållbarometern, the regional
environmental objectives' pages), one goal or a few, each with its assessment on a labelled
line rather than in a list::

    Elanvändning i kommunägda fastigheter          <- the page's title: a heading
    MÅL: Den specifika elanvändningen ska minska.   <- the goal, labelled …
    Med kommunägda fastigheter menas …              <- description: left out, listed
    Bedömning: Målet har uppnåtts Målet har uppnåtts   <- the assessment (an icon's words, twice)
    BEDÖMNING 2023: Flera av preciseringarna …      <- the comment: a labelled paragraph
    Ansvarig organisation:                          <- the receivers, as a list of bodies
      • Kommunstyrelsen
    Delansvarig:
      • Tekniska nämnden

The goal is a line labelled "Mål:", a line with the goal's code ("Mål MP. 5. 4 Förorenade
områden ska …"), or else the first sentence with "ska" after the title. The assessment is a
"Bedömning:"/"Målbedömning:"/"Status:"/"Måluppfyllelse:" line (or such a label alone, with the
status on the next line) whose words are a status of the scale, or an image's description that
names a status word ("Bilden visar ordet NEJ, …"). Each goal needs exactly one assessment, and
goals and assessments pair up in order; anything else is not this layout. Bodies named under
"Ansvarig …:"/"Delansvarig:" receive the goal; a page that names none goes to the answering
body (--body, or else the board). Trend arrows and goal codes on their own are left out.
"""

from __future__ import annotations

import re

from styrkort.core.models import Status
from styrkort.imports.errors import NotThisLayout
from styrkort.imports.layouts.base import Layout, Options, Prepared, Tracker
from styrkort.imports.layouts.seed import finish_items
from styrkort.imports.layouts.vocabulary import Vocabulary, key
from styrkort.imports.records import ParsedComment, ParsedDocument, ParsedItem, SourceLine
from styrkort.organisation.models import Body

_ASSESSMENT = re.compile(
    r"^(?P<label>(?:samlad\s+)?(?:mål)?bedömning(?:\s+(?:19|20)\d{2})?|status|"
    r"(?:bedömd\s+)?måluppfyllelse(?:\s+(?:19|20)\d{2})?)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_COMMENT_LABEL = re.compile(
    r"^(?:(?:mål)?bedömning(?:\s+(?:19|20)\d{2})?|kommentar(?:er)?|analys|motivering|"
    r"kommentar till bedömningen)\s*:\s*(?P<text>\S.*)$",
    re.IGNORECASE,
)
_GOAL_LABEL = re.compile(
    r"^(?:(?:effekt|del)?mål(?:\s+\d{1,3})?|målet|målsättning|nämndmål|uppdrag|aktivitet|"
    r"åtgärd|indikator)\s*:\s*(?P<text>\S.{10,})$",
    re.IGNORECASE,
)
# A comment's label alone, its text in the lines under it.
_COMMENT_HEADING = re.compile(
    r"^(?:kommentar(?:er)?|analys|motivering|kommentar till bedömningen|"
    r"(?:mål)?bedömning\s+(?:19|20)\d{2})\s*:?$",
    re.IGNORECASE,
)
# "Mål PHU.12.5", "Mål MP. 5. 4Förorenade områden ska …", "DelmålTR.8.1", "Effektmål MP.3.2 …":
# a goal's code (the label run into it or not), its text glued on or on the next line.
_GOAL_CODE = re.compile(
    r"^(?i:mål|delmål|effektmål)\s*(?P<code>[A-ZÅÄÖ]{1,6}\s*\.?\s*\d{1,3}(?:\s*\.\s*\d{1,3})*)"
    r"\s*(?P<text>(?:[A-ZÅÄÖ]\S*\s.*)?)$"
)
_PICTURE = re.compile(
    r"^(?:bilden|ikonen|symbolen|figuren|illustrationen)\s+visar\s+(?:ordet|texten)\s+"
    r"(?P<word>[\wåäöÅÄÖ]+(?:\s+[\wåäöÅÄÖ]+)?)\s*[,.]",
    re.IGNORECASE,
)
# "Cirkel med text: NEJ", "Ikon med texten Nära": an icon's words, kept as its alt text.
_ICON_TEXT = re.compile(
    r"^(?:cirkel|ikon|symbol|bild|figur|skylt)\s+med\s+(?:texten|text|ordet)\s*:?\s*"
    r"(?P<word>[\wåäöÅÄÖ]+)\b",
    re.IGNORECASE,
)
_TREND = re.compile(r"^(?:trendpil|trend|pil)\b", re.IGNORECASE)
# "Åtgärdsstatus: 2 av 3 åtgärder är genomförda": a count the tool makes of the goal's actions.
_ACTIONS = re.compile(r"^åtgärdsstatus\s*:", re.IGNORECASE)
# A sentence of the follow-up's own text: four words or more, ending a sentence.
_SENTENCE = re.compile(r"^\S+(?:\s+\S+){3,}[.!?]$")
_RESPONSIBLE = re.compile(
    r"^(?:ansvarig(?:a)?(?:\s+(?:organisation|nämnd|nämnder|styrelse|förvaltning))?|"
    r"delansvarig(?:a)?|medansvarig(?:a)?)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[\s•·\-–*]+")
_SHALL = re.compile(r"\b(?:ska|skall)\b", re.IGNORECASE)


def _halves(text: str) -> list[str]:
    """ "Målet har uppnåtts Målet har uppnåtts" (an icon's words and the label): once. Also
    run together without a space ("Målet ser ut att uppnåsMålet ser ut att uppnås"), as a page
    copied as text prints an image's alt text and the label beside it."""
    words = text.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        return [" ".join(words[:half])]
    middle = len(text) // 2
    if len(text) % 2 == 0 and middle >= 3 and text[:middle] == text[middle:]:
        return [text[:middle]]
    return [text]


class GoalBarometerLayout(Layout):
    name = "målbarometer"
    title = "Målbarometerns sida: mål, 'Bedömning: …' och ansvariga nämnder"

    def parse(self, prepared: Prepared, vocabulary: Vocabulary, options: Options) -> ParsedDocument:
        where = prepared.where
        tracker = Tracker(prepared)
        lines = prepared.lines
        content = prepared.content_indexes()

        # The assessments: (index, status, as written, lines used).
        assessments: list[tuple[int, Status, str, list[int]]] = []
        for position, i in enumerate(content):
            found = self._assessment(lines, content, position, vocabulary)
            if found is not None:
                assessments.append((i, *found))
        if not assessments:
            raise NotThisLayout(
                "ingen rad 'Bedömning: …' (eller 'Status:', 'Måluppfyllelse:') med en status"
            )
        used_by_assessments = {u for a in assessments for u in a[3]}

        goals = self._goals(lines, content, assessments, used_by_assessments)
        if len(goals) != len(assessments):
            raise NotThisLayout(
                f"{len(assessments)} bedömningar men {len(goals)} mål ('Mål: …' eller en mening "
                "med 'ska' under sidans rubrik)"
            )
        pairs = list(zip(goals, assessments, strict=True))
        starts = [min(g[0], a[0]) for g, a in pairs]
        if starts != sorted(starts) or any(
            max(g[0], a[0]) >= starts[n + 1] for n, (g, a) in enumerate(pairs[:-1])
        ):
            raise NotThisLayout("målen och bedömningarna går inte att para ihop i ordning")

        def owner(index: int) -> int:
            n = 0
            for k, start in enumerate(starts):
                if index >= start:
                    n = k
            return n

        # A goal whose code stands on its own line right above or under it ("DelmålTR.8.1"
        # over the goal, "Effektmål MP.3.2" under "Effektmål 10: …") ends there: the sentences
        # after it, up to the next goal, are the follow-up's own text, its comment.
        follow_after: list[int | None] = []
        for g_index, _text in goals:
            position = content.index(g_index)
            around = [content[p] for p in (position - 1, position + 1) if 0 <= p < len(content)]
            codes = [j for j in around if _code_alone(lines[j].text)]
            follow_after.append(max([g_index, *codes]) if codes else None)
        sentences: dict[int, list[int]] = {}
        for paragraph in prepared.paragraphs():
            joined = " ".join(t.strip() for t in paragraph.texts)
            if _SENTENCE.match(joined) and not any(
                _ASSESSMENT.match(t.strip()) or _GOAL_CODE.match(t.strip()) for t in paragraph.texts
            ):
                sentences[paragraph.indexes[0]] = paragraph.indexes

        receivers: list[list[Body]] = [[] for _ in pairs]
        comments: list[list[tuple[int, str]]] = [[] for _ in pairs]
        taken_by_comments: set[int] = set()
        for position, i in enumerate(content):
            if i in used_by_assessments or any(i == g[0] for g in goals):
                continue
            text = lines[i].text.strip()
            responsible = _RESPONSIBLE.match(text)
            if responsible:
                tracker.use(i)
                names = [responsible.group("rest")] if responsible.group("rest").strip() else []
                for j in content[position + 1 :]:
                    name = _BULLET.sub("", lines[j].text).strip()
                    bulleted = lines[j].kind == "item" or name != lines[j].text.strip()
                    if not bulleted and vocabulary.body(name) is None:
                        break
                    names.append(name)
                    tracker.use(j)
                for written in names:
                    for name in re.split(r",\s*|\s+och\s+(?=[A-ZÅÄÖ])", written):
                        if not name.strip():
                            continue
                        named = vocabulary.body(name) or vocabulary.unknown_body(
                            lines[i].number, name
                        )
                        if named not in receivers[owner(i)]:
                            receivers[owner(i)].append(named)
                continue
            if i in taken_by_comments:
                continue
            if _COMMENT_HEADING.match(text):
                under = self._under(lines, content, position)
                if under:
                    tracker.use(i, *under)
                    taken_by_comments.update(under)
                    joined = "\n".join(lines[j].text.strip() for j in under)
                    comments[owner(i)].append((i, joined))
                    continue
            comment = _COMMENT_LABEL.match(text)
            if comment and vocabulary.status(comment.group("text")) is None:
                comments[owner(i)].append((i, comment.group("text").strip()))
                tracker.use(i)
                continue
            n = owner(i)
            after = follow_after[n]
            if after is not None and i > after and i in sentences and lines[i].kind != "heading":
                run = [j for j in sentences[i] if j not in used_by_assessments]
                comments[n].append((i, "\n".join(lines[j].text.strip() for j in run)))
                tracker.use(*run)
                taken_by_comments.update(run)
                continue
            if _GOAL_CODE.match(text):
                tracker.skip(i, "målets kod")
            elif _ACTIONS.match(text):
                tracker.skip(i, "åtgärdernas status (räknas av verktyget)")
            elif _TREND.match(text):
                tracker.skip(i, "trendpil")
            elif i < starts[0] or lines[i].kind == "heading":
                tracker.skip(i, "sidans rubrik eller inledning")
            else:
                tracker.skip(i, "beskrivning av målet (ingen bedömning eller kommentar)")

        body = options.answering_body
        items: list[ParsedItem] = []
        warnings: list[str] = []
        for n, ((g_index, g_text), (_a_index, status, written, used)) in enumerate(pairs):
            tracker.use(g_index, *used)
            item_receivers = receivers[n]
            if not item_receivers:
                if body is None:
                    raise self.error(
                        prepared,
                        lines[g_index].number,
                        "sidan säger inte vilken nämnd som ansvarar för målet; ange --body",
                    )
                item_receivers = [body]
            item = ParsedItem(
                line=lines[g_index].number,
                text=g_text,
                receivers=item_receivers,
                status=status,
                status_text=written,
            )
            answering = body if body is not None else item_receivers[0]
            for c_index, c_text in comments[n]:
                item.comments.append(
                    ParsedComment(lines[c_index].number, answering, [c_text], lines[c_index].number)
                )
            if len(item.comments) > 1:
                first = item.comments[0]
                for extra in item.comments[1:]:
                    first.paragraphs.extend(extra.paragraphs)
                item.comments = [first]
            items.append(item)
        finish_items(items, warnings, where=where, statuses_expected=False)
        document = ParsedDocument(header=None, items=items, warnings=warnings, layout=self.name)
        return tracker.finish(document, default_reason="passar inte layouten")

    @staticmethod
    def _under(lines: list[SourceLine], content: list[int], position: int) -> list[int]:
        """The paragraph a comment's label stands over: the rest of its own paragraph, or
        else the next one; never another label, a goal or an assessment."""
        i = content[position]
        following = content[position + 1 :]
        if not following:
            return []
        start = following[0]
        run: list[int] = []
        for j in range(start, len(lines)):
            line = lines[j]
            text = line.text.strip()
            if line.blank or (run and line.kind == "heading"):
                break
            if (
                _ASSESSMENT.match(text)
                or _GOAL_LABEL.match(text)
                or _RESPONSIBLE.match(text)
                or _COMMENT_HEADING.match(text)
                or line.kind == "heading"
            ):
                break
            run.append(j)
        del i
        return run

    @staticmethod
    def _assessment(
        lines: list[SourceLine], content: list[int], position: int, vocabulary: Vocabulary
    ) -> tuple[Status, str, list[int]] | None:
        i = content[position]
        text = lines[i].text.strip()
        labelled = _ASSESSMENT.match(text)
        if labelled:
            rest = labelled.group("rest").strip()
            if not rest and position + 1 < len(content):
                j = content[position + 1]
                below = lines[j].text.strip()
                for candidate in _halves(below):
                    status = vocabulary.status(candidate)
                    if status is not None and len(candidate.split()) <= 8:
                        return status, candidate, [i, j]
                return None
            for candidate in _halves(rest):
                status = vocabulary.status(candidate)
                if status is not None and len(candidate.split()) <= 8:
                    return status, candidate, [i]
            return None
        picture = _PICTURE.match(text) or _ICON_TEXT.match(text)
        if picture:
            status = vocabulary.status(picture.group("word"))
            if status is None:
                status = vocabulary.status(picture.group("word").split()[0])
                written = picture.group("word").split()[0]
            else:
                written = picture.group("word")
            if status is not None:
                return status, written, [i]
        return None

    @staticmethod
    def _goals(
        lines: list[SourceLine],
        content: list[int],
        assessments: list[tuple[int, Status, str, list[int]]],
        taken: set[int],
    ) -> list[tuple[int, str]]:
        labelled: list[tuple[int, str]] = []
        for i in content:
            if i in taken:
                continue
            text = lines[i].text.strip()
            match = _GOAL_LABEL.match(text)
            if match:
                labelled.append((i, match.group("text").strip()))
                continue
            coded = _GOAL_CODE.match(text)
            if coded and coded.group("text").strip():
                labelled.append((i, coded.group("text").strip()))
        if labelled:
            return labelled
        # A code on its own line ("DelmålTR.8.1") with the goal on the line under it; taken
        # only when there is one such goal for every assessment.
        under_codes: list[tuple[int, str]] = []
        for position, i in enumerate(content[:-1]):
            j = content[position + 1]
            if i in taken or j in taken or not _code_alone(lines[i].text):
                continue
            text = lines[j].text.strip()
            if len(text.split()) >= 4 and not (
                _GOAL_CODE.match(text) or _ASSESSMENT.match(text) or _COMMENT_LABEL.match(text)
            ):
                under_codes.append((j, text))
        if under_codes and len(under_codes) == len(assessments):
            return under_codes
        # No labels: under the page's title, the first sentence that says what "ska" be.
        goals: list[tuple[int, str]] = []
        previous = -1
        for a_index, *_ in assessments:
            segment = [i for i in content if previous < i < a_index and i not in taken]
            previous = a_index
            if not segment:
                continue
            title = lines[segment[0]].text.strip()
            if title.endswith((".", "!", "?", ":")) or len(title.split()) > 14:
                continue
            for i in segment[1:]:
                text = lines[i].text.strip()
                if text.endswith(".") and _SHALL.search(text) and len(text.split()) >= 6:
                    goals.append((i, text))
                    break
        return goals


def _code_alone(text: str) -> bool:
    """ "DelmålTR.8.1", "Effektmål MP.3.2": a goal's code with nothing after it."""
    coded = _GOAL_CODE.match(text.strip())
    return bool(coded and not coded.group("text").strip())


def barometer_goal_text(text: str) -> str | None:
    """The goal a labelled or coded line carries ("Effektmål MP.3.1 Alla bostäder ska …",
    "Effektmål 10: Alla bostäder ska …" -> "Alla bostäder ska …"), or None."""
    text = text.strip()
    labelled = _GOAL_LABEL.match(text)
    if labelled:
        return labelled.group("text").strip()
    coded = _GOAL_CODE.match(text)
    if coded and coded.group("text").strip():
        return coded.group("text").strip()
    return None


def is_tool_count(text: str) -> bool:
    """ "Trend: 1 av 2 indikatorer …", "Åtgärdsstatus: 2 av 3 åtgärder är genomförda": what a
    goal barometer counts by itself, never a body's comment."""
    text = text.strip()
    return bool(_ACTIONS.match(text) or re.match(r"^trend\s*:", text, re.IGNORECASE))


def is_barometer_goal(text: str) -> bool:
    """A goal's labelled or coded line ("MÅL: …", "Mål MP. 5. 4 Förorenade …"): the goal's
    text stands there, whatever the lines around it look like."""
    text = text.strip()
    if _GOAL_LABEL.match(text):
        return True
    coded = _GOAL_CODE.match(text)
    return bool(coded and coded.group("text").strip())


def is_assessment_label(text: str) -> bool:
    """ "Samlad bedömning", "Bedömning 2023", "Cirkel med text", "Pil": the label of an
    assessment or an icon's description, never an item's text ("Samlad bedömning: Uppfyllt")."""
    text = text.strip()
    return bool(
        _ASSESSMENT.match(text + ":")
        or _ICON_TEXT.match(text + " X")
        or _TREND.match(text)
        or _RESPONSIBLE.match(text + ":")
    )


__all__ = [
    "GoalBarometerLayout",
    "barometer_goal_text",
    "is_assessment_label",
    "is_barometer_goal",
    "is_tool_count",
    "key",
]
