"""The attrs models and the shipped OpenAPI contract describe the same fields, both ways."""

from __future__ import annotations

import collections.abc
import enum
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from smartalex_async import (
    AsyncCampaigns,
    AsyncContacts,
    BusinessHours,
    Campaign,
    Contact,
    DayHours,
    NotGiven,
    StartResult,
)

CONTRACT = Path(__file__).parent.parent / "smartalex_async" / "openapi.yaml"
SCHEMAS: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())["components"]["schemas"]

RESPONSE_MODELS: dict[type, str] = {
    Campaign: "Campaign",
    BusinessHours: "BusinessHours",
    DayHours: "DayHours",
    Contact: "Contact",
    StartResult: "StartResult",
}
REQUEST_METHODS: dict[str, Callable[..., Any]] = {
    "CampaignCreate": AsyncCampaigns.create,
    "ContactCreate": AsyncContacts.create,
}
SDK_ONLY_FIELDS = {"extra"}
"""Model fields that hold what the server sent beyond the contract, not a contract field."""
SDK_ONLY_PARAMETERS = {"self", "timeout"}


def resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    if "$ref" in schema:
        return SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]  # type: ignore[no-any-return]
    return schema


def schema_types(schema: Mapping[str, Any]) -> set[str]:
    """Return the JSON types a property schema allows."""
    schema = resolve(schema)
    if "oneOf" in schema:
        return set().union(*(schema_types(option) for option in schema["oneOf"]))
    declared = schema["type"]
    return {declared} if isinstance(declared, str) else set(declared)


def python_types(annotation: Any) -> set[str]:
    """Return the JSON types that a model field's annotation reads or writes."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(python_types(member) for member in typing.get_args(annotation)))
    origin = typing.get_origin(annotation) or annotation
    if origin is NotGiven:
        return set()  # The SDK's marker for "leave the field out"; it is never sent.
    if annotation is type(None):
        return {"null"}
    if origin is bool:
        return {"boolean"}
    if origin is int:
        return {"integer"}
    if isinstance(origin, type) and issubclass(origin, (str, enum.Enum, datetime, time)):
        return {"string"}
    if origin in (tuple, list, collections.abc.Iterable):
        return {"array"}
    if attrs.has(origin) or origin in (dict, Mapping):
        return {"object"}
    raise AssertionError(f"No JSON type is known for the annotation {annotation!r}.")


def assert_compatible(
    name: str, annotation: Any, schema: Mapping[str, Any], required: bool
) -> None:
    """Assert that the Python type reads and writes exactly what the schema allows.

    None may stand for an absent optional property, so it is allowed there even when the
    schema has no null.
    """
    allowed = schema_types(schema) | (set() if required else {"null"})
    assert python_types(annotation) <= allowed, name
    assert schema_types(schema) - {"null"} <= python_types(annotation), name


def nested_model(annotation: Any) -> type | None:
    members = typing.get_args(annotation) or (annotation,)
    return next((member for member in members if attrs.has(member)), None)


@pytest.mark.parametrize(("model", "name"), RESPONSE_MODELS.items(), ids=RESPONSE_MODELS.values())
def test_model_fields_match_schema(model: type, name: str) -> None:
    fields = {field.name: field for field in attrs.fields(model)}
    properties = SCHEMAS[name]["properties"]

    assert set(fields) - SDK_ONLY_FIELDS - set(properties) == set(), "fields not in the contract"
    assert set(properties) - set(fields) == set(), "contract properties missing from the model"


@pytest.mark.parametrize(("model", "name"), RESPONSE_MODELS.items(), ids=RESPONSE_MODELS.values())
def test_required_fields_match_schema(model: type, name: str) -> None:
    required = {f.name for f in attrs.fields(model) if f.default is attrs.NOTHING}

    assert required == set(SCHEMAS[name].get("required", []))


@pytest.mark.parametrize(("model", "name"), RESPONSE_MODELS.items(), ids=RESPONSE_MODELS.values())
def test_field_types_match_schema(model: type, name: str) -> None:
    hints = typing.get_type_hints(model)
    required = set(SCHEMAS[name].get("required", []))
    for field, schema in SCHEMAS[name]["properties"].items():
        assert_compatible(field, hints[field], schema, field in required)
        nested = nested_model(hints[field])
        if nested is not None:
            refs = [option.get("$ref", "") for option in schema.get("oneOf", [schema])]
            assert any(ref.endswith("/" + RESPONSE_MODELS[nested]) for ref in refs), field


@pytest.mark.parametrize(("name", "method"), REQUEST_METHODS.items(), ids=REQUEST_METHODS.keys())
def test_create_parameters_match_schema(name: str, method: Callable[..., Any]) -> None:
    parameters = inspect.signature(method).parameters
    sent = {key: value for key, value in parameters.items() if key not in SDK_ONLY_PARAMETERS}
    required = {key for key, value in sent.items() if value.default is inspect.Parameter.empty}

    assert set(sent) == set(SCHEMAS[name]["properties"])
    assert required == set(SCHEMAS[name]["required"])


@pytest.mark.parametrize(("name", "method"), REQUEST_METHODS.items(), ids=REQUEST_METHODS.keys())
def test_create_parameter_types_match(name: str, method: Callable[..., Any]) -> None:
    hints = typing.get_type_hints(method)
    required = set(SCHEMAS[name]["required"])
    for parameter, schema in SCHEMAS[name]["properties"].items():
        assert_compatible(parameter, hints[parameter], schema, parameter in required)
