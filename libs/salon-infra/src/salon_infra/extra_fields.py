"""Extra fields a company defines for its records (appointments now, client cards later): each has a
code, a title, a type (text, number, select with options, date) and may be required. A record keeps
its values as JSON, `{code: value}`; `check_values` is the one rule for what a value may be.

Framework-free, so each service that has extra fields keeps its own definitions in its own
database and checks values with the same rule.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

TEXT, NUMBER, SELECT, DATE = "text", "number", "select", "date"
TYPES = (TEXT, NUMBER, SELECT, DATE)
CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_TEXT = 1000
MAX_OPTIONS = 100
MAX_NUMBER = 10**12
MAX_FIELDS = 50


@dataclass(frozen=True)
class FieldDefinition:
    code: str
    title: str
    type: str
    required: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)
    id: int | None = None


def definition_problems(definition: FieldDefinition) -> dict[str, list[str]]:
    """What is wrong with a definition, by field; empty when nothing is."""
    problems: dict[str, list[str]] = {}
    if not CODE.fullmatch(definition.code):
        problems["code"] = ["Use lowercase letters, digits and _, starting with a letter (at most 50)."]
    if not definition.title.strip() or len(definition.title) > 100:
        problems["title"] = ["Give a title of 1 to 100 characters."]
    if definition.type not in TYPES:
        problems["type"] = [f"Must be one of {', '.join(TYPES)}."]
    if definition.type == SELECT:
        options = definition.options
        if not options or len(options) > MAX_OPTIONS:
            problems["options"] = [f"A select field needs 1 to {MAX_OPTIONS} options."]
        elif any(not option.strip() or len(option) > 100 for option in options) or len(set(options)) != len(options):
            problems["options"] = ["Options are distinct texts of 1 to 100 characters."]
    elif definition.options:
        problems["options"] = ["Only a select field has options."]
    return problems


def check_values(
    definitions: Sequence[FieldDefinition], values: Mapping, current: Mapping | None = None, enforce_required=True
) -> tuple[dict, dict[str, list[str]]]:
    """The record's values after `values` is applied over `current` (None clears a field), and
    the problems by code: an unknown code, a value of the wrong type, a required field left empty
    (unless not `enforce_required`: a record made by someone who is not asked for them, such as a
    client booking online). Values of fields since removed from the definitions are kept as they were."""
    by_code = {definition.code: definition for definition in definitions}
    merged = dict(current or {})
    problems: dict[str, list[str]] = {}
    for code, value in values.items():
        definition = by_code.get(code)
        if definition is None:
            problems[str(code)] = ["No such extra field."]
            continue
        if value is None or value == "":
            merged.pop(code, None)
            continue
        problem = _value_problem(definition, value)
        if problem:
            problems[code] = [problem]
        else:
            merged[code] = value.strip() if isinstance(value, str) and definition.type != DATE else value
    for definition in definitions if enforce_required else ():
        if definition.required and definition.code not in merged and definition.code not in problems:
            problems[definition.code] = ["This field is required."]
    return merged, problems


def _value_problem(definition: FieldDefinition, value) -> str | None:
    if definition.type == TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            return f"Must be a text of at most {MAX_TEXT} characters."
    elif definition.type == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Must be a number."
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            return f"Must be a number between -{MAX_NUMBER} and {MAX_NUMBER}."
    elif definition.type == SELECT and value not in definition.options:
        return f"Must be one of: {', '.join(definition.options)}."
    elif definition.type == DATE and (not isinstance(value, str) or not _is_date(value)):
        return "Must be a date, YYYY-MM-DD."
    return None


def _is_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and date.fromisoformat(value) is not None
    except ValueError:
        return False
