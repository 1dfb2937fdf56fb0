"""The text `derma new` emits: one claim as YAML lines, one reference as a BibTeX entry.

Text values are written as double-quoted scalars (JSON string syntax, which YAML reads the same
way), so `yes`, `010`, `#` or `: ` cannot change meaning; vocabulary words and ids stay plain when
YAML reads them back as the same text. What the data files refuse (see load/text.py) is refused
here first, with the option's name.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from derma_evidence.contract.vocab import ENTRY_TYPES
from derma_evidence.diagnostics import did_you_mean
from derma_evidence.load.bib import KEY_RE
from derma_evidence.load.text import FORBIDDEN
from derma_evidence.load.yamlpos import MAX_NUMBER, MAX_NUMBER_CHARS, resolve_plain

_PLAIN_OK = re.compile(r"\A[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
# What YAML or the data files cannot hold beyond load/text.py's FORBIDDEN: the remaining C0
# controls (LF, CR, which a one-line value may not hold either way, are escaped by yaml_text),
# non-characters and lone surrogates.
_REFUSED_EXTRA = re.compile("[\r\ufffe\uffff\ud800-\udfff]")


def refused(value: str) -> bool:
    """True when ``value`` holds a character that no data file may hold (or YAML cannot write)."""
    return bool(FORBIDDEN.search(value) or _REFUSED_EXTRA.search(value))


class UsageError(Exception):
    """Bad or missing options: exit 2."""


def check_text(name: str, value: str) -> str:
    """``value`` unless it holds a character the data files refuse (controls, bidi, zero-width...)."""
    m = FORBIDDEN.search(value) or _REFUSED_EXTRA.search(value)
    if m:
        raise UsageError(f"--{name} contains the character U+{ord(m.group()):04X}, which the data files refuse")
    return value


def yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar that reads back as exactly ``value``."""
    return json.dumps(value, ensure_ascii=False)


def yaml_word(value: str) -> str:
    """A vocabulary word or id: plain when YAML reads it back as that same text, else quoted."""
    if _PLAIN_OK.match(value) and resolve_plain(value) == "str":
        return value
    return yaml_text(value)


def _written_length(d: Decimal) -> int:
    """The length of `format(d, "f")`, computed from the digits and exponent (without writing it out)."""
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    n = len(digits)
    if exponent >= 0:
        return sign + n + exponent
    return sign + (n + 1 if n > -exponent else 2 - exponent)


def yaml_number(name: str, value: str) -> str:
    """A decimal number in the form YAML 1.1 reads as a number (no exponent, no leading zeros).

    Its length is bounded before it is written out: `1e-99999999` in full would be a 100-million-digit
    string (hundreds of MB), and the loader reads numbers of at most MAX_NUMBER_CHARS characters.
    """
    if len(value.strip()) > MAX_NUMBER_CHARS:
        raise UsageError(f"--{name} is longer than {MAX_NUMBER_CHARS} characters; the data files refuse such numbers")
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        raise UsageError(f"--{name} must be a number, got '{value}'") from None
    if not d.is_finite():
        raise UsageError(f"--{name} must be a finite number, got '{value}'")
    if abs(d) > Decimal(MAX_NUMBER):
        raise UsageError(f"--{name} is out of range: at most {MAX_NUMBER:.0e} in magnitude")
    if _written_length(d) > MAX_NUMBER_CHARS:
        raise UsageError(
            f"--{name} has too many digits: '{value.strip()}' written without an exponent takes "
            f"{_written_length(d):,} characters, and the data files read numbers of at most {MAX_NUMBER_CHARS}; "
            "choose a unit that makes it short"
        )
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    if text in ("-0", "-0.0"):
        text = text[1:]
    assert resolve_plain(text) in ("int", "float"), text
    return text


def claim_lines(values: dict[str, str]) -> list[tuple[int, str]]:
    """The claim as (extra indent, line) pairs; indent 0 is the claim's field level."""
    for name in (
        "id",
        "topic",
        "statement",
        "verdict",
        "certainty",
        "key",
        "stance",
        "locator",
        "quote",
        "note",
        "measure",
        "about",
        "unit",
        "reviewed",
    ):
        if name in values:
            check_text(name, values[name])
    lines: list[tuple[int, str]] = [
        (0, f"id: {yaml_word(values['id'])}"),
        (0, f"topic: {yaml_word(values['topic'])}"),
        (0, f"statement: {yaml_text(values['statement'])}"),
    ]
    if any(k in values for k in ("measure", "about", "min", "max", "unit")):
        missing = [f"--{k}" for k in ("measure", "min", "unit") if k not in values]
        if missing:
            raise UsageError("a quantity needs " + ", ".join(missing))
        lines.append((0, "quantity:"))
        if values.get("about"):
            lines.append((2, f"about: {yaml_text(values['about'])}"))
        lines.append((2, f"measure: {yaml_word(values['measure'])}"))
        lines.append((2, f"min: {yaml_number('min', values['min'])}"))
        if "max" in values:
            lines.append((2, f"max: {yaml_number('max', values['max'])}"))
        lines.append((2, f"unit: {yaml_word(values['unit'])}"))
    lines += [
        (0, f"verdict: {yaml_word(values['verdict'])}"),
        (0, f"certainty: {yaml_word(values['certainty'])}"),
        (0, "sources:"),
        (2, f"- key: {yaml_text(values['key'])}"),
        (4, f"stance: {yaml_word(values['stance'])}"),
        (4, f"locator: {yaml_text(values['locator'])}"),
    ]
    if values.get("quote"):
        lines.append((4, f"quote: {yaml_text(values['quote'])}"))
    if values.get("note"):
        lines.append((0, f"note: {yaml_text(values['note'])}"))
    reviewed = values["reviewed"]
    lines.append(
        (0, f"reviewed: {reviewed if re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', reviewed) else yaml_text(reviewed)}")
    )
    return lines


def bib_value(name: str, value: str) -> str:
    """A BibTeX field value in braces; refuses what braces cannot hold safely."""
    check_text(name, value)
    if "\n" in value or "\r" in value:
        raise UsageError(f"--{name} must be on one line")
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise UsageError(f"--{name} has unbalanced braces {{ }}")
    if "\\" in value and name in ("doi", "url"):
        raise UsageError(f"--{name} must not contain a backslash")
    return "{" + value + "}"


BIB_ORDER = (
    "author",
    "title",
    "journal",
    "year",
    "volume",
    "number",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "design",
    "note",
)


def reference_text(values: dict[str, str], newline: str = "\n") -> str:
    key = values["key"]
    if not KEY_RE.fullmatch(key) or not key[0].isalnum():
        raise UsageError(f"citation key '{key}' may hold only letters, digits and _ : . + - (e.g. dhurat2013)")
    etype = values.get("type") or "article"
    if etype.lower() not in ENTRY_TYPES:
        hint = did_you_mean(etype.lower(), ENTRY_TYPES)
        raise UsageError(f"unknown entry type '{etype}'" + (f"; {hint}" if hint else ""))
    present = [n for n in BIB_ORDER if values.get(n)]
    width = max(len(n) for n in present)
    body = [f"  {n.ljust(width)} = {bib_value(n, values[n])}," for n in present]
    return f"@{etype.lower()}{{{key},{newline}" + newline.join(body) + f"{newline}}}{newline}"
