"""The public API of smartalex_async and smartalex_sync: complete, documented, no strays.

The rules, which the API reference that `make docs` builds with pdoc relies on:

- Every name in `__all__` exists, `__all__` has no duplicates, and every exported class and
  function has a docstring of its own.
- An exported constant (anything that is not a class, function or module) is documented by
  an attribute docstring: a string literal right after its assignment, in the module that
  assigns it. pdoc shows that string beside the constant.
- Every class and function that a public module defines is in that module's `__all__`,
  when the module has one (without it, every public name is exported already). A module is
  public when no part of its dotted name starts with an underscore.
- Every exception class of the SDK is exported from both packages, so callers can catch it.
- Every class defined in the package that appears in the annotations of an exported class
  or function (parameters, return values, properties, attrs fields) is exported by the
  same package, so callers can name the types they are given. The constructors of classes
  that a property of another exported class returns (the resources, `client.campaigns`)
  are left out, because the client builds those objects and user code does not.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import smartalex_async
import smartalex_sync

PACKAGES = [smartalex_async, smartalex_sync]
PACKAGE_NAMES = tuple(package.__name__ for package in PACKAGES)

# Constants exported without an attribute docstring in the module that assigns them. Each
# one is an expected failure. Once the docstring is added, the test fails until the entry
# is removed here.
# TODO: document these constants where they are assigned, then empty this set.
UNDOCUMENTED_CONSTANTS: set[str] = set()


def exported(package: types.ModuleType) -> list[str]:
    return list(package.__all__)


def export_cases() -> list[Any]:
    return [
        pytest.param(package, name, id=f"{package.__name__}.{name}")
        for package in PACKAGES
        for name in exported(package)
    ]


def package_modules(package: types.ModuleType) -> Iterator[types.ModuleType]:
    """Yield `package` and every module below it, importing each one."""
    yield package
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        yield importlib.import_module(info.name)


def is_public_module(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def is_constant(value: object) -> bool:
    # A type alias such as Callable[[X], None] is documented like a constant. On Python 3.10
    # inspect.isclass() is true for it, so it is recognized first.
    if isinstance(value, types.GenericAlias) or typing.get_origin(value) is not None:
        return True
    return not (
        inspect.isclass(value) or inspect.isroutine(value) or isinstance(value, types.ModuleType)
    )


def attribute_docstrings(path: Path) -> dict[str, str]:
    """Return the attribute docstrings of a module's top-level assignments, by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: dict[str, str] = {}
    for statement, following in zip(tree.body, tree.body[1:], strict=False):
        if isinstance(statement, ast.Assign):
            targets = [target for target in statement.targets if isinstance(target, ast.Name)]
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            targets = [statement.target]
        else:
            continue
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            for target in targets:
                docstrings[target.id] = following.value.value
    return docstrings


def assigned_names(path: Path) -> set[str]:
    """Return the names that a module's top level assigns (imports excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            names.update(target.id for target in statement.targets if isinstance(target, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.add(statement.target.id)
    return names


def constant_docstring(name: str) -> str | None:
    """Return the attribute docstring of constant `name`, from the module that assigns it."""
    for package in PACKAGES:
        for module in package_modules(package):
            path = Path(inspect.getfile(module))
            if name in assigned_names(path):
                return attribute_docstrings(path).get(name)
    raise AssertionError(f"No module of the SDK assigns the constant {name}.")


def own_docstring(value: object) -> str | None:
    """Return the docstring written on `value` itself, not one inherited from a base class."""
    if inspect.isclass(value):
        return value.__dict__.get("__doc__")
    return getattr(value, "__doc__", None)


def defined_in_sdk(value: object) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module.split(".")[0] in PACKAGE_NAMES


def sdk_classes_in(annotation: object) -> Iterator[type]:
    """Yield the SDK classes that a resolved annotation names, at any depth."""
    if inspect.isclass(annotation) and defined_in_sdk(annotation):
        yield annotation
    origin = typing.get_origin(annotation)
    if inspect.isclass(origin) and defined_in_sdk(origin):
        # A parametrized generic such as Page[Campaign].
        yield origin
    for argument in typing.get_args(annotation):
        if isinstance(argument, list):
            # The parameter list of Callable[[...], ...].
            for item in argument:
                yield from sdk_classes_in(item)
        else:
            yield from sdk_classes_in(argument)


def resolved_hints(value: Callable[..., Any] | type) -> dict[str, Any]:
    """Return the annotations of a function or class with their strings evaluated."""
    module = sys.modules[value.__module__] if not inspect.isclass(value) else None
    namespace = dict(vars(module)) if module is not None else None
    # `Self` is imported only for type checkers in the client modules.
    local_names = {"Self": typing.Any}
    try:
        return typing.get_type_hints(value, globalns=namespace, localns=local_names)
    except NameError as error:
        raise AssertionError(f"Annotations of {value!r} do not resolve: {error}") from error


def annotated_members(
    cls: type, *, with_constructor: bool
) -> Iterator[tuple[str, Callable[..., Any] | type]]:
    """Yield the public methods and property getters of `cls`, and `cls` itself for fields."""
    if attrs.has(cls):
        yield cls.__name__, cls
    for name, member in vars(cls).items():
        if name.startswith("_") and not (name == "__init__" and with_constructor):
            continue
        if isinstance(member, property) and member.fget is not None:
            yield name, member.fget
        elif inspect.isfunction(member):
            yield name, member


def referenced_sdk_classes(value: object, built_by_client: set[type]) -> Iterator[tuple[str, type]]:
    """Yield (where, class) for each SDK class named in the annotations of `value`."""
    if inspect.isclass(value):
        members = list(annotated_members(value, with_constructor=value not in built_by_client))
    elif inspect.isfunction(value):
        members = [(value.__name__, value)]
    else:
        return
    for where, member in members:
        for hint in resolved_hints(member).values():
            for cls in sdk_classes_in(hint):
                yield where, cls


def property_classes(classes: list[object]) -> set[type]:
    """Return the classes that the properties of `classes` return, such as the resources."""
    returned: set[type] = set()
    for cls in classes:
        if not inspect.isclass(cls):
            continue
        for member in vars(cls).values():
            if isinstance(member, property) and member.fget is not None:
                hint = resolved_hints(member.fget).get("return")
                if inspect.isclass(hint):
                    returned.add(hint)
    return returned


def sdk_error_classes() -> set[type]:
    found: set[type] = set()
    pending = [smartalex_async.SmartAlexError]
    while pending:
        cls = pending.pop()
        if defined_in_sdk(cls) and cls not in found:
            found.add(cls)
            pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("package", PACKAGES, ids=PACKAGE_NAMES)
def test_all_has_no_duplicates(package: types.ModuleType) -> None:
    names = exported(package)

    duplicates = sorted({name for name in names if names.count(name) > 1})

    assert duplicates == []


@pytest.mark.parametrize(("package", "name"), export_cases())
def test_exported_name_exists(package: types.ModuleType, name: str) -> None:
    assert hasattr(package, name), f"{package.__name__}.__all__ lists {name}, which is missing"


@pytest.mark.parametrize(("package", "name"), export_cases())
def test_exported_name_is_documented(package: types.ModuleType, name: str) -> None:
    value = getattr(package, name)

    if is_constant(value):
        docstring = constant_docstring(name)
        if name in UNDOCUMENTED_CONSTANTS:
            assert not docstring, f"{name} is documented now; remove it from UNDOCUMENTED_CONSTANTS"
            pytest.xfail(f"{name} has no attribute docstring yet")
    else:
        docstring = own_docstring(value)

    assert docstring, f"{package.__name__}.{name} has no docstring"
    assert docstring.strip(), f"{package.__name__}.{name} has an empty docstring"


def test_undocumented_constants_are_exported() -> None:
    # A stale entry here would hide nothing, but would mislead the next reader.
    exported_names = {name for package in PACKAGES for name in exported(package)}

    assert exported_names >= UNDOCUMENTED_CONSTANTS


@pytest.mark.parametrize(
    "module_name",
    sorted(
        module.__name__
        for package in PACKAGES
        for module in package_modules(package)
        if is_public_module(module.__name__) and hasattr(module, "__all__")
    ),
)
def test_public_module_exports_its_definitions(module_name: str) -> None:
    module = importlib.import_module(module_name)
    defined = sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module_name
    )

    missing = [name for name in defined if name not in module.__all__]

    assert missing == [], f"{module_name} defines these public names outside __all__"


@pytest.mark.parametrize("package", PACKAGES, ids=PACKAGE_NAMES)
def test_every_error_class_is_exported(package: types.ModuleType) -> None:
    exported_objects = [getattr(package, name) for name in exported(package)]

    missing = sorted(
        cls.__name__
        for cls in sdk_error_classes()
        if not any(cls is value for value in exported_objects)
    )

    assert missing == []


@pytest.mark.parametrize("package", PACKAGES, ids=PACKAGE_NAMES)
def test_annotated_types_are_exported(package: types.ModuleType) -> None:
    exported_objects = [getattr(package, name) for name in exported(package)]
    built_by_client = property_classes(exported_objects)

    missing = sorted(
        {
            f"{cls.__module__}.{cls.__qualname__} (in {name}.{where})"
            for name, value in zip(exported(package), exported_objects, strict=True)
            for where, cls in referenced_sdk_classes(value, built_by_client)
            if not any(cls is candidate for candidate in exported_objects)
        }
    )

    assert missing == [], f"{package.__name__} does not export these annotated types"
