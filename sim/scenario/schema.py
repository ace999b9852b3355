"""JSON Schema of scenario files, for editors (``hubsim schema``)."""

from __future__ import annotations

from typing import Any

from sim.scenario.models import Scenario

__all__ = ["scenario_file_schema"]


def scenario_file_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file as written by a planner.

    It is the schema of :class:`~sim.scenario.models.Scenario` plus the two keys that only exist
    in files: ``extends`` (a base file) and ``overrides`` (dotted paths to values). A file that
    extends another needs none of the otherwise required fields; nested fields it changes are
    still checked, so an editor may flag a partial nested entry that the base completes.
    Items with an ``id`` and entries keyed by id accept ``remove: true`` (see
    :mod:`sim.scenario.merge`).
    """
    schema = Scenario.model_json_schema()
    required = schema.pop("required", [])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path of the base scenario, relative to this file.",
    }
    schema["properties"]["overrides"] = {
        "type": "object",
        "description": "Dotted paths to values applied after merging, e.g. "
        "terminals.HA_HUANGMA.berths.HM_LOCAL.count; list items are addressed by id.",
        "propertyNames": {"pattern": r"^[^.]+(\.[^.]+)*$"},
    }
    _allow_removal(schema)
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {}
    schema["else"] = {"required": required}
    return schema


_REMOVAL = {
    "type": "object",
    "properties": {"remove": {"const": True}},
    "required": ["remove"],
    "additionalProperties": False,
}


def _allow_removal(schema: dict[str, Any]) -> None:
    for definition in (schema, *schema.get("$defs", {}).values()):
        properties = definition.get("properties", {})
        if "id" in properties:
            properties["remove"] = {
                "type": "boolean",
                "description": "In a file that extends another: delete the item with this id.",
            }
        for field in properties.values():
            values = field.get("additionalProperties")
            if isinstance(values, dict) and "$ref" in values:
                field["additionalProperties"] = {"anyOf": [values, _REMOVAL]}
            for pattern, value in field.get("patternProperties", {}).items():
                if isinstance(value, dict) and "$ref" in value:
                    field["patternProperties"][pattern] = {"anyOf": [value, _REMOVAL]}
