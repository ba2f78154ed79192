"""The JSON Schema of a routine file, for editors: the schema's models with the library's
exercise ids offered for completion. Apart from `schema`, which the library validates with."""

from __future__ import annotations

from typing import Any

from backroutine.routine.library import bundled_library
from backroutine.routine.schema import Routine


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a routine file, for editors: what `validate` accepts, with help."""
    schema = Routine.model_json_schema()
    ids = sorted(bundled_library().exercises)
    exercise = schema["$defs"]["ExerciseStep"]["properties"]["exercise"]
    # Offered for completion; refused when unknown unless the routine names its own library.
    exercise["anyOf"] = [{"enum": ids}, {"type": "string"}]
    schema["if"] = {"not": {"required": ["library"]}}
    schema["then"] = {
        "properties": {"steps": {"items": {"properties": {"exercise": {"enum": ids}}}}}
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "backroutine routine file",
        **schema,
    }
