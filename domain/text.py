"""What every accepted text value may be: its longest length and its characters, declared once.

The request schemas (`api/schemas.py`), the domain values and the read-model columns (all
`Text`, migration 0011) take their limits from here, so no store ever refuses a value the API
accepted. A value is normalised to NFC before it is measured, stored or compared; control
characters (C0, DEL) and lone surrogates are refused, except tab and newline in free-text notes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.errors import InvalidInput

# C0 controls but tab and newline, DEL, and UTF-16 surrogates (a JSON "\ud800" decodes to one;
# no database can store it).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f"
_SURROGATES = "\\ud800-\\udfff"  # as regex escapes: the schema document is UTF-8
SINGLE_LINE_PATTERN = f"^[^\\x00-\\x1f\\x7f{_SURROGATES}]*$"
MULTI_LINE_PATTERN = f"^[^\\x00-\\x08\\x0b-\\x1f\\x7f{_SURROGATES}]*$"
_FORBIDDEN_SINGLE = re.compile(f"[\\x00-\\x1f\\x7f{_SURROGATES}]")
_FORBIDDEN_MULTI = re.compile(f"[{_CONTROLS}{_SURROGATES}]")


class TextRefused(InvalidInput, ValueError):
    """Raised when a text value has a control character or is longer than its rule allows."""


@dataclass(frozen=True)
class TextRule:
    """One kind of text field: its length bounds and whether tab and newline may appear."""

    max_length: int
    min_length: int = 0
    multiline: bool = False

    @property
    def pattern(self) -> str:
        return MULTI_LINE_PATTERN if self.multiline else SINGLE_LINE_PATTERN

    def clean(self, value: str) -> str:
        """The value in NFC, or TextRefused saying why (never quoting the value)."""
        forbidden = _FORBIDDEN_MULTI if self.multiline else _FORBIDDEN_SINGLE
        found = forbidden.search(value)
        if found is not None:
            allowed = "; tab and newline are" if self.multiline else ""
            msg = (
                f"character U+{ord(found.group()):04X} is not allowed (no control characters "
                f"or lone surrogates{allowed})"
            )
            raise TextRefused(msg)
        normal = unicodedata.normalize("NFC", value)
        if len(normal) > self.max_length:
            msg = f"at most {self.max_length} characters (after NFC normalisation)"
            raise TextRefused(msg)
        if len(normal) < self.min_length:
            msg = f"at least {self.min_length} character(s)"
            raise TextRefused(msg)
        return normal

    def check(self, value: str | None, field: str) -> None:
        """Raise TextRefused naming the field unless the value is one this rule keeps as it
        is (allowed characters and length, already in NFC)."""
        if value is None:
            return
        try:
            kept = self.clean(value)
        except TextRefused as refused:
            raise TextRefused(str(refused), field) from None
        if kept != value:
            raise TextRefused("not in Unicode normal form C", field)


# The fields, by the kind of value they hold. Lengths are characters after NFC.
NAME = TextRule(200, min_length=1)  # a person's or an organisation's name, an agreeing party
LABEL = TextRule(200)  # a short description: a charge's, a court, a referring organisation
DEMOGRAPHIC = TextRule(64)  # race, ethnicity, gender: evaluation cells group by them
CODE = TextRule(64, min_length=1)  # charge codes, identifier systems and values, categories
SLUG = TextRule(64, min_length=1)  # agency slugs (also a pattern: lower-case, digits, _.-)
NOTE = TextRule(4000, multiline=True)  # free-text notes and reasons
LONG_NOTE = TextRule(8000, min_length=1, multiline=True)  # plan summaries, share summaries
REASON = TextRule(4000, min_length=1, multiline=True)  # a required reason or claim
REVIEW_NOTE = TextRule(2000, multiline=True)  # a reviewer's note on a compliance flag
TOKEN = TextRule(200)  # opaque cursors and header values that echo back
