"""Swedish amounts in kronor, read from and written for board reports.

Annual reports, budgets and follow-ups write money as `2 181,8 mkr`, `175 tkr` or `minus 63
miljoner kronor`, with whatever spaces and dashes Word or the PDF exporter put there. Reading them
wrong is worse than not reading them, so `parse_sek` refuses anything it would have to guess at
(digits run together, an unknown unit, a decimal point) with a message the user can act on.
`format_sek` writes them back the way a Swedish reader expects, and what it writes `parse_sek`
reads back to the same `Decimal`.

Money is always `Decimal` in kronor: a float cannot hold 0,1 exactly, and a sum of such errors is
an audit finding.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

__all__ = [
    "MINUS_SIGN",
    "NO_BREAK_SPACE",
    "UNITS",
    "FoundAmount",
    "MoneyParseError",
    "find_amounts",
    "format_sek",
    "parse_sek",
    "unit_from_header",
    "unit_warning",
]

MINUS_SIGN = "\u2212"
"""The true minus sign: as wide as `+` and never read as a hyphen or a dash."""

NO_BREAK_SPACE = "\u00a0"
"""Keeps `2 181,8 mkr` on one line; a line break inside an amount changes what it says."""

UNITS = ("kr", "tkr", "mkr", "mdkr")
"""The units `format_sek` writes, smallest first."""

# Power of ten per unit that format_sek writes.
_UNIT_EXPONENT = {"kr": 0, "tkr": 3, "mkr": 6, "mdkr": 9}

# Every spelling parse_sek reads, lower case, spaces single, a trailing full stop removed. No
# unit at all is not kronor: a bare table cell may be in tkr or mkr, so the caller must say.
_PARSE_EXPONENT = {
    **dict.fromkeys(("kr", "kronor", "krona", "sek"), 0),
    **dict.fromkeys(("tkr", "tusen kronor", "tusen kr", "tusen", "tsek", "ksek"), 3),
    **dict.fromkeys(
        (
            "mkr",
            "mnkr",
            "msek",
            "miljoner kronor",
            "miljoner kr",
            "miljoner",
            "miljon kronor",
            "miljon kr",
            "miljon",
            "milj kr",
            "milj. kr",
            "milj",
        ),
        6,
    ),
    **dict.fromkeys(
        (
            "mdkr",
            "mdr kr",
            "md kr",
            "mdr",
            "miljarder kronor",
            "miljarder kr",
            "miljarder",
            "miljard kronor",
            "miljard kr",
            "miljard",
        ),
        9,
    ),
}

# Automatic units from the largest down: a unit is only used from the size where a board report
# would use it (nobody writes 0,5 mkr for 500 000 kr, and 50 tkr reads oddly next to 50 000 kr).
_AUTOMATIC = (("mdkr", 10**9), ("mkr", 10**6), ("tkr", 10**5))

_SIGN_CHARS = "-\u2212\u2013+"
# Hyphen-minus, true minus and en dash (each optionally followed by a space, as PDFs and Word
# print "– 1 231"), the word "minus", or a plus for deviations.
_SIGN_RE = re.compile(r"(?:(?P<word>minus) |(?P<char>[-\u2212\u2013+]) ?)", re.IGNORECASE)
# How prose states a sign: "negativ avvikelse med 119 miljoner kronor" is −119 mkr.
_SIGN_PHRASE = (
    r"(?:(?P<neg>negativ(?:a)? avvikelse|underskott|minskning|försämring)"
    r"|(?P<pos>positiv(?:a)? avvikelse|överskott|ökning|förbättring))"
    r"(?: på| med| om)? "
)
_SIGN_PHRASE_RE = re.compile(_SIGN_PHRASE, re.IGNORECASE)
# ASCII digits only: \d would also take Arabic-Indic and other digits that no Swedish report uses.
_NUMBER_RE = re.compile(r"(?P<int>[0-9]+(?: [0-9]+)*)(?P<frac>,[0-9]*)?")
_ANY_DIGIT_RE = re.compile(r"[0-9]")
# Ordinary, no-break, narrow no-break, thin and figure spaces, and tabs: all separate digit groups
# or number and unit; Word and PDF exports put the odd ones where a plain space was meant.
_SPACES_RE = re.compile("[ \t\u00a0\u202f\u2009\u2007]+")

_QUOTE_LIMIT = 60


class MoneyParseError(ValueError):
    """Text that is not a Swedish amount; the message names the text and says what was expected.

    A subclass of `ValueError` so that form and import code that already catches `ValueError`
    shows the message instead of failing.
    """


def parse_sek(text: str, *, unit: str | None = None) -> Decimal:
    """The amount in kronor that `text` states, e.g. `Decimal(2181800000)` for `2 181,8 mkr`.

    A number without a unit is refused unless `unit` says what the caller knows it to be in
    (a column headed "(tkr)", a form field in kronor): a bare table cell is never taken for
    kronor on a guess. A unit written in `text` wins over `unit`; `unit_warning` says when the
    two disagree in a way that looks like a typing error.

    Reads what reports print: a sign (`-`, `−`, `–`, `+` or the word `minus`), digits in groups of
    three separated by ordinary, no-break, narrow no-break or thin spaces, a decimal comma and a
    unit (`kr`, `tkr`, `mkr`, `mnkr`, `mdkr`, `miljoner kronor`, ...; none means kronor). Anything
    that could be read two ways is refused rather than guessed: `12 34` may be two numbers, `12.500`
    may mean twelve or twelve thousand, `xkr` may be a typo for any unit.

    The result is exact and plain: integral amounts have no decimals (`Decimal("2181800000")`,
    not `2181800000.0` or `2.1818E+9`), others no trailing zeros, and zero has no sign.
    """
    # Odd spaces become one ordinary space; a line break inside stays and is refused, since
    # "1\n234" may as well be two numbers in a column as one amount.
    normalised = _SPACES_RE.sub(" ", text.strip())
    if not normalised:
        raise _refuse(text, "texten är tom (skriv t.ex. 2 181,8 mkr)")

    negative = False
    rest = normalised
    phrase = _SIGN_PHRASE_RE.match(rest)
    if phrase:
        negative = phrase.group("neg") is not None
        rest = rest[phrase.end() :]
    sign = None if phrase else _SIGN_RE.match(rest)
    if sign:
        negative = sign.group("word") is not None or sign.group("char") != "+"
        rest = rest[sign.end() :]

    number = _NUMBER_RE.match(rest)
    if number is None:
        if not _ANY_DIGIT_RE.search(rest):
            raise _refuse(text, "det finns inget tal (skriv t.ex. 15 mkr)")
        if rest[0] in _SIGN_CHARS or rest.lower().startswith("minus"):
            raise _refuse(text, "tecknet står mer än en gång (skriv t.ex. −5 mkr)")
        raise _refuse(text, "talet ska stå först, bara ett tecken får stå före (t.ex. −119,3 mkr)")

    groups = number.group("int").split(" ")
    if len(groups) > 1:
        if len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
            raise _refuse(text, "siffergrupperna ska vara tre siffror (t.ex. 2 181,8 mkr)")
        if groups[0].startswith("0"):
            raise _refuse(text, "en siffergrupp kan inte följa på en inledande nolla (t.ex. 1 231)")
    fraction = (number.group("frac") or ",")[1:]
    if number.group("frac") == ",":
        raise _refuse(text, "decimalkommat saknar decimaler (skriv t.ex. 12,5 mkr eller 12 mkr)")

    rest = rest[number.end() :]
    if rest.startswith(","):
        raise _refuse(text, "det finns mer än ett decimalkomma (skriv t.ex. 1,2 mkr)")
    if rest.startswith("."):
        raise _refuse(
            text,
            "svenska belopp har decimalkomma och mellanslag mellan tusental, inte punkt "
            "(skriv t.ex. 12,5 mkr eller 1 234 567 kr)",
        )
    written_unit = rest.strip()
    if _ANY_DIGIT_RE.search(written_unit):
        raise _refuse(text, "det finns mer än ett tal (skriv ett belopp, t.ex. 12,5 mkr)")
    if written_unit and written_unit[0] in _SIGN_CHARS:
        raise _refuse(text, "tecknet ska stå före talet (skriv t.ex. −5 mkr)")
    if written_unit:
        exponent = _unit_exponent(written_unit)
        if exponent is None:
            raise _refuse(
                text,
                f"okänd enhet {written_unit!r} (skriv kr, tkr, mkr, mdkr, tusen kronor, "
                "miljoner kronor eller miljarder kronor)",
            )
    elif unit is None:
        raise _refuse(
            text,
            "talet saknar enhet; skriv t.ex. 15 mkr, eller ange kolumnens enhet (tkr, mkr)",
        )
    else:
        exponent = _unit_exponent(unit)
        if exponent is None:
            raise ValueError(f"Unknown unit {unit!r} given for {text!r}.")

    whole = "".join(groups)
    with localcontext() as context:
        # Enough precision that neither scaling nor normalising can round.
        context.prec = max(28, len(whole) + len(fraction) + 20)
        amount = Decimal(f"{whole}.{fraction or '0'}").scaleb(exponent)
        if negative:
            amount = amount.copy_negate()
        if amount == 0:
            return Decimal(0)
        if amount == amount.to_integral_value():
            return amount.quantize(Decimal(1))
        return amount.normalize()


def format_sek(
    amount: Decimal,
    *,
    unit: str | None = None,
    decimals: int | None = None,
    minus: str = MINUS_SIGN,
    plus: bool = False,
) -> str:
    """`amount` (kronor) as a board report prints it, e.g. `2 181,8 mkr` or `−494 mkr`.

    Digit groups, and the number and its unit, are joined by no-break spaces so that an amount is
    never split over two lines.

    `unit` is one of `UNITS`, or None to pick what a Swedish reader expects: the largest unit
    (mdkr from a billion, mkr from a million, tkr from 100 000) in which the amount is exact with
    at most one decimal, otherwise kronor. So 7 200 000 is `7,2 mkr` but 1 234 567 stays
    `1 234 567 kr`: the automatic unit never hides a krona.

    `decimals` None means as few as needed: none or one in tkr, mkr and mdkr, none or two (öre) in
    kr. An amount that needs more than that, or more than an explicit `decimals`, is rounded half
    to even (`format_sek(Decimal(1234567), unit="mkr")` is `1,2 mkr`); only then does
    `parse_sek` read back something other than `amount`. Amounts finer than öre are rounded to öre
    even in automatic mode.

    `minus` is the sign for negative amounts: the true minus sign by default, `"-"` where plain
    ASCII is needed (CSV, other systems). `plus` prints `+` before positive amounts, for
    deviations; zero never has a sign.

    A float is refused with ValueError rather than converted: by the time it arrives here it may
    already be off by an öre.
    """
    value = _as_decimal(amount)
    if unit is None:
        unit = _automatic_unit(value)
    elif unit not in _UNIT_EXPONENT:
        raise ValueError(f"Unknown unit {unit!r}; expected one of {', '.join(UNITS)} or None.")
    if decimals is not None and decimals < 0:
        raise ValueError(f"decimals must be zero or more, not {decimals}.")

    with localcontext() as context:
        context.prec = _precision_for(value, decimals)
        scaled = value.scaleb(-_UNIT_EXPONENT[unit])
        if decimals is None:
            decimals = _fewest_decimals(scaled, unit)
        rounded = scaled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)

    if rounded < 0:
        sign = minus
    elif rounded > 0 and plus:
        sign = "+"
    else:
        sign = ""
    whole, _, fraction = format(rounded.copy_abs(), "f").partition(".")
    number = _group_thousands(whole) + (f",{fraction}" if fraction else "")
    return f"{sign}{number}{NO_BREAK_SPACE}{unit}"


_HEADER_UNIT_RE = re.compile(
    r"(?:\(|\[|,|\s|^)(?P<unit>mdkr|mkr|mnkr|msek|tkr|tsek|ksek|kr|sek|kronor|"
    r"tusentals kronor|miljoner kronor|miljarder kronor)\.?(?:\)|\]|\s|$)",
    re.IGNORECASE,
)


def unit_from_header(header: str) -> str | None:
    """The unit a column header states: "Budget (tkr)" -> "tkr", "Utfall, Mkr" -> "mkr".

    None when the header names no unit, or names two different ones (then nobody can tell).
    """
    found = {m.group("unit").lower() for m in _HEADER_UNIT_RE.finditer(" ".join(header.split()))}
    exponents = {_unit_exponent("tusen kronor" if u == "tusentals kronor" else u) for u in found}
    if len(exponents) != 1:
        return None
    exponent = exponents.pop()
    return {0: "kr", 3: "tkr", 6: "mkr", 9: "mdkr"}.get(exponent) if exponent is not None else None


def unit_warning(text: str, *, column_unit: str) -> str | None:
    """A warning when a cell's own unit looks mistyped against its column's, else None.

    In a table of mkr, "-60,3 kr" is sixty kronor and thirty öre: written with a tenth, as the
    column's amounts are, it was almost certainly meant as −60,3 mkr. The amount is read as
    written (the caller decides); this only says so, so that a person can look.
    """
    column = _unit_exponent(column_unit)
    if column is None:
        raise ValueError(f"Unknown unit {column_unit!r}.")
    normalised = _SPACES_RE.sub(" ", text.strip())
    number = re.search(
        r"(?P<num>[0-9]+(?: [0-9]{3})*(?:,(?P<frac>[0-9]+))?) ?(?P<unit>\D*)$", normalised
    )
    if number is None or not number.group("unit").strip():
        return None
    written = _unit_exponent(number.group("unit").strip())
    if written is None or written != 0 or column < 3:
        return None
    whole = int(number.group("num").split(",")[0].replace(" ", ""))
    # Kronor are written whole or with öre, never with a single tenth; and a few hundred
    # kronor are not a line in a table of mkr. Either way the unit, not the number, is off.
    tenth = number.group("frac") is not None and len(number.group("frac")) == 1
    if not (tenth or (column >= 6 and whole < 1000)):
        return None
    meant = parse_sek(number.group("num"), unit=column_unit)
    if normalised.startswith(tuple(_SIGN_CHARS)) and normalised[0] != "+":
        meant = -meant
    return (
        f"{text.strip()!r} står i {number.group('unit').strip()} i en tabell i {column_unit}; "
        f"enheten ser felskriven ut (menades {format_sek(meant, unit=_unit_name(column))}?)"
    )


def _unit_name(exponent: int) -> str:
    return {0: "kr", 3: "tkr", 6: "mkr", 9: "mdkr"}[exponent]


@dataclass(frozen=True)
class FoundAmount:
    """An amount found in prose: its value in kronor and where it stands."""

    amount: Decimal
    text: str
    start: int
    end: int


_UNIT_WORDS = sorted(
    (u for u in _PARSE_EXPONENT if u), key=lambda u: (-len(u), u)
)  # longest first, so "miljoner kronor" wins over "miljoner"
_FIND_RE = re.compile(
    r"(?<![\w,])(?:" + _SIGN_PHRASE + r"|(?P<minus>minus |[-\u2212\u2013] ?))?"
    r"(?P<num>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?)"
    r"[ \u00a0\u202f]?(?P<unit>" + "|".join(re.escape(u) for u in _UNIT_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)


def find_amounts(text: str) -> list[FoundAmount]:
    """Every amount with a unit in a text, with the sign its words give it.

    "en negativ avvikelse med 119 miljoner kronor" gives −119 000 000; "underskott på 3 mkr"
    gives −3 000 000. A number without a unit is never an amount here: in prose it is far more
    often a count, a year or a percentage.
    """
    found = []
    for match in _FIND_RE.finditer(text):
        if match.group("unit").lower() in {"miljon", "miljoner", "miljard", "miljarder", "tusen"}:
            # "3 miljoner invånare" is not money; only a currency word or an abbreviation is.
            after = text[match.end() : match.end() + 12].lower()
            if not after.lstrip().startswith(("kr", "sek")):
                continue
        try:
            amount = parse_sek(match.group(0))
        except MoneyParseError:
            continue
        found.append(FoundAmount(amount, match.group(0), match.start(), match.end()))
    return found


def _refuse(text: str, reason: str) -> MoneyParseError:
    """The error for `text`, quoted as given (odd spaces shown) so the user can find it."""
    shown = text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"
    return MoneyParseError(f"{shown!r} är inget belopp: {reason}")


def _unit_exponent(unit: str) -> int | None:
    """The power of ten a unit stands for; None for a unit we do not know."""
    key = unit.lower()
    # A unit may end a sentence or be an abbreviation: "15 mkr." and "15 tkr." are unambiguous.
    if len(key) > 1 and key.endswith("."):
        key = key[:-1]
    return _PARSE_EXPONENT.get(key)


def _as_decimal(amount: object) -> Decimal:
    """`amount` if it is a finite Decimal; floats and anything else are a programming error."""
    if isinstance(amount, float):
        raise ValueError(
            f"Money must be a Decimal, not the float {amount!r}: floats cannot hold öre exactly."
        )
    if not isinstance(amount, Decimal):
        raise TypeError(f"Money must be a Decimal, not {type(amount).__name__}.")
    if not amount.is_finite():
        raise ValueError(f"Money must be a finite Decimal, not {amount}.")
    return amount


def _precision_for(value: Decimal, decimals: int | None) -> int:
    """A context precision at which scaling and quantizing `value` cannot round or overflow."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked by _as_decimal
    return max(28, len(value.as_tuple().digits) + abs(exponent) + (decimals or 0) + 20)


def _is_exact(scaled: Decimal, decimals: int) -> bool:
    return scaled == scaled.quantize(Decimal(1).scaleb(-decimals))


def _automatic_unit(value: Decimal) -> str:
    """The largest unit a report would use for `value` in which it is exact to one decimal."""
    magnitude = value.copy_abs()
    with localcontext() as context:
        context.prec = _precision_for(value, 1)
        for unit, threshold in _AUTOMATIC:
            if magnitude >= threshold and _is_exact(value.scaleb(-_UNIT_EXPONENT[unit]), 1):
                return unit
    return "kr"


def _fewest_decimals(scaled: Decimal, unit: str) -> int:
    """None if whole; otherwise öre for kronor, one decimal for the larger units."""
    if scaled == scaled.to_integral_value():
        return 0
    return 2 if unit == "kr" else 1


def _group_thousands(digits: str) -> str:
    """`2181` → `2 181` with a no-break space; Swedish typography groups every number."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NO_BREAK_SPACE.join(groups)
