"""The JSON Schema of a routine file, for editors: the schema's models with the library's
exercise ids offered for completion. Apart from `schema`, which the library validates with."""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from backroutine.routine.library import bundled_library
from backroutine.routine.schema import Routine


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a routine file, for editors: what `validate` accepts, with help."""
    schema = Routine.model_json_schema(schema_generator=_WithFieldDocstrings)
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


class _WithFieldDocstrings(GenerateJsonSchema):
    """pydantic's JSON Schema, with the docstring under each field as its description.

    What pydantic's `use_attribute_docstrings` gives, read here rather than when the
    schema's models are built: validating needs no descriptions, and reading every class's
    source cost the validating helper a third of its time.
    """

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        fields = schema["cls"].model_fields
        for name, docstring in _field_docstrings(schema["cls"]).items():
            if name in fields and fields[name].description is None:
                json_schema["properties"][fields[name].alias or name]["description"] = docstring
        return json_schema


def _field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of `model` and of the models it extends."""
    inherited = model.__mro__[: model.__mro__.index(BaseModel)]
    return {
        name: docstring
        for each in reversed(inherited)
        for name, docstring in _docstrings_in(each).items()
    }


@cache
def _docstrings_in(model: type) -> dict[str, str]:
    """The docstring under each annotated name in the body of the class `model`."""
    try:
        source = inspect.getsource(model)
    except OSError:  # installed without its sources, as pydantic's own reading allows
        return {}
    (definition,) = ast.parse(textwrap.dedent(source)).body
    assert isinstance(definition, ast.ClassDef)
    return {
        statement.target.id: inspect.cleandoc(docstring.value.value)
        for statement, docstring in pairwise(definition.body)
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and isinstance(docstring, ast.Expr)
        and isinstance(docstring.value, ast.Constant)
        and isinstance(docstring.value.value, str)
    }
