"""Traktor's smart list queries, read into a tree (pure: text in, tree out; no database).

A smart list keeps its query in the NML as ``SEARCH_EXPRESSION QUERY``, in Traktor's own little language:
``$GENRE % "Hora"``, ``$GENRE % "Funk" | $LABEL % "Funk"``, ``$IMPORTDATE >= MONTHS_AGO(1)``,
``$PLAYED == TRUE``, ``$RATING == 5``. A query is comparisons of a ``$FIELD`` with a value, combined with ``&``
(and), ``|`` (or), ``!`` (not) and parentheses; ``&`` binds tighter than ``|``.

:func:`parse_smart_query` reads the grammar only: which fields Harmony can evaluate, and how, is decided where the
query meets the library (:mod:`harmony.library.smart_lists`). Every node keeps the text it was read from, so a
part that cannot be evaluated is named as the DJ wrote it. :func:`format_smart_query` writes a tree back as text
(the tests read it again and get the same tree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Final, Literal

from harmony.library.errors import SmartListError

__all__ = [
    "COMPARISONS",
    "Combined",
    "Comparison",
    "Negated",
    "RelativeDate",
    "SmartListError",
    "SmartQuery",
    "format_smart_query",
    "parse_smart_query",
]

#: The comparison operators: ``%`` contains, ``!%`` does not contain, then equality and order.
COMPARISONS: Final = ("%", "!%", "==", "!=", ">=", "<=", ">", "<")


@dataclass(frozen=True, slots=True)
class RelativeDate:
    """A date counted back from today: ``MONTHS_AGO(1)`` is ``RelativeDate("MONTHS_AGO", 1)``."""

    function: str
    amount: int


Value = str | float | bool | RelativeDate


@dataclass(frozen=True, slots=True)
class Comparison:
    """``$FIELD op value``. ``field`` is Traktor's name upper-cased, without ``$``; ``value`` is the quoted text,
    a number, ``TRUE``/``FALSE`` or a relative date; ``text`` is the comparison as written."""

    field: str
    op: str
    value: Value
    text: str = _field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Combined:
    """Parts joined by ``and`` (``&``) or ``or`` (``|``)."""

    op: Literal["and", "or"]
    parts: tuple[SmartQuery, ...]
    text: str = _field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Negated:
    """``!part``."""

    part: SmartQuery
    text: str = _field(default="", compare=False)


SmartQuery = Comparison | Combined | Negated

_TOKEN: Final = re.compile(
    r"""\s*(?:
        (?P<field>\$[A-Za-z_][A-Za-z0-9_]*)
      | "(?P<string>(?:[^"\\]|\\.)*)"
      | (?P<number>-?\d+(?:\.\d+)?)(?![A-Za-z_])
      | (?P<op>==|!=|>=|<=|!%|&&|\|\||[%><&|!(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str  # the token's value (a string without its quotes)
    start: int
    end: int


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(query):
        if query[at:].strip() == "":
            break
        match = _TOKEN.match(query, at)
        if match is None or match.end() == at:
            rest = query[at:].strip()
            if rest.startswith('"'):
                raise SmartListError(f"The text {rest[:40]} has no closing quote.")
            raise SmartListError(f"Harmony cannot read “{rest[:40]}” in the query.")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value)
        out.append(_Token(kind, value, match.start(kind) - (kind == "string"), match.end()))
        at = match.end()
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise SmartListError(f"The query “{self.query.strip()}” ends too soon.")
        self.at += 1
        return token

    def text(self, start: int) -> str:
        return self.query[start : self.tokens[self.at - 1].end].strip()

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise SmartListError(f"Expected “{text}” before “{self.query[token.start :].strip()[:40]}”.")

    def is_op(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in texts

    def either(self) -> SmartQuery:
        start = self.tokens[self.at].start if self.peek() else len(self.query)
        parts = [self.both()]
        while self.is_op("|", "||"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else Combined("or", tuple(parts), self.text(start))

    def both(self) -> SmartQuery:
        start = self.tokens[self.at].start if self.peek() else len(self.query)
        parts = [self.single()]
        while self.is_op("&", "&&"):
            self.take()
            parts.append(self.single())
        return parts[0] if len(parts) == 1 else Combined("and", tuple(parts), self.text(start))

    def single(self) -> SmartQuery:
        token = self.take()
        if token.kind == "op" and token.text == "!":
            part = self.single()
            return Negated(part, self.text(token.start))
        if token.kind == "op" and token.text == "(":
            inner = self.either()
            self.expect(")")
            return inner
        if token.kind != "field":
            raise SmartListError(f"Expected a field such as $TITLE before “{self.query[token.start :].strip()[:40]}”.")
        op = self.take()
        if op.kind != "op" or op.text not in COMPARISONS:
            raise SmartListError(f"Expected a comparison (% == != >= <= > <) after {token.text}.")
        value = self.value()
        return Comparison(token.text[1:].upper(), op.text, value, self.text(token.start))

    def value(self) -> Value:
        token = self.take()
        if token.kind == "string":
            return token.text
        if token.kind == "number":
            return float(token.text)
        if token.kind == "word" and token.text.upper() in ("TRUE", "FALSE"):
            return token.text.upper() == "TRUE"
        if token.kind == "word" and self.is_op("("):
            self.take()
            amount = self.take()
            if amount.kind != "number" or not amount.text.lstrip("-").isdigit():
                raise SmartListError(f"{token.text}( takes a whole number.")
            self.expect(")")
            return RelativeDate(token.text.upper(), int(amount.text))
        raise SmartListError(f'Expected a value ("text", a number, TRUE or FALSE) at “{token.text}”.')


def parse_smart_query(query: str) -> SmartQuery:
    """The tree of a smart list query, or :class:`SmartListError` naming the part that cannot be read."""
    parser = _Parser(query)
    if not parser.tokens:
        raise SmartListError("The query is empty.")
    tree = parser.either()
    left = parser.peek()
    if left is not None:
        raise SmartListError(f"Harmony cannot read “{query[left.start :].strip()[:40]}” at the end of the query.")
    return tree


def _value_text(value: Value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, RelativeDate):
        return f"{value.function}({value.amount})"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_smart_query(tree: SmartQuery) -> str:
    """The query as text, in Traktor's style (parentheses only where they are needed)."""
    if isinstance(tree, Comparison):
        return f"${tree.field} {tree.op} {_value_text(tree.value)}"
    if isinstance(tree, Negated):
        inner = format_smart_query(tree.part)
        return f"!{inner}" if isinstance(tree.part, Comparison) else f"!({inner})"
    joiner = " & " if tree.op == "and" else " | "
    return joiner.join(
        f"({format_smart_query(part)})" if isinstance(part, Combined) else format_smart_query(part)
        for part in tree.parts
    )
