"""Views made of sections, and the one builder that fills them.

Every field of a view model declares what it is: `Key()` (an id naming what the read is about,
always shown) or `In(section)` (part of a section of participant information, shown only when
the caller may see that section). A field typed as another sectioned model is built the same
way, and is shown when any of its own fields is. The builder refuses a field that declares
neither, so a new field or a new read path cannot forget consent. Absent sections are absent
from the JSON (the models are dumped with `exclude_unset`), never null."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from pydantic.fields import FieldInfo

from domain.disclosure import Section

M = TypeVar("M", bound="Sectioned")
T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    """Names what the read is about (a participant, a matter, a flag): always shown."""


@dataclass(frozen=True)
class In:
    section: Section


class Sectioned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_unset=True).encode()


@dataclass(frozen=True)
class Built:
    """A built view and the sections it actually shows."""

    view: Any
    shown: frozenset[Section]


@dataclass(frozen=True)
class Disclosure:
    """One participant's information handed out by one read: the sections shown."""

    participant_id: UUID
    sections: frozenset[Section]
    detail: str = ""


@dataclass(frozen=True)
class Shown(Generic[T]):
    """A read's answer and every disclosure it makes, for the one accounting wrapper."""

    answer: T
    disclosures: tuple[Disclosure, ...] = ()


def nested(annotation: Any) -> type[Sectioned] | None:
    """The sectioned model a field holds (`PersonOut | None` → PersonOut), if any."""
    options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
    for option in (annotation, *options):
        if isinstance(option, type) and issubclass(option, Sectioned):
            return option
    return None


@cache
def layout(model: type[Sectioned]) -> tuple[tuple[str, Key | In | type[Sectioned]], ...]:
    """Each field's declaration, worked out once per model."""
    return tuple((name, declared(model, name, info)) for name, info in model.model_fields.items())


def declared(model: type[Sectioned], name: str, info: FieldInfo) -> Key | In | type[Sectioned]:
    marks = [m for m in info.metadata if isinstance(m, Key | In)]
    inner = nested(info.annotation)
    if marks:
        return marks[0]
    if inner is not None:
        return inner
    msg = f"{model.__name__}.{name} declares no section: mark it Key() or In(section)"
    raise TypeError(msg)


def disclose(model: type[M], values: Mapping[str, Any], visible: frozenset[Section]) -> Built:
    """The view of `model` holding, of `values`, only keys and the visible sections' fields.
    A value may be a function of nothing, called only if its section is shown."""
    data: dict[str, Any] = {}
    shown: set[Section] = set()
    for name, declaration in layout(model):
        if name not in values:
            continue
        if isinstance(declaration, Key):
            data[name] = values[name]
        elif isinstance(declaration, In):
            if declaration.section in visible:
                data[name] = evaluated(values[name])
                shown.add(declaration.section)
        elif (inner := evaluated(values[name])) is not None:
            built = disclose(declaration, inner, visible)
            if built.shown:
                data[name] = built.view
                shown |= built.shown
    return Built(model.model_validate(data), frozenset(shown))


def evaluated(value: Any) -> Any:
    return value() if callable(value) else value
