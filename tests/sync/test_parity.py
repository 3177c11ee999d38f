"""Every public member of every async class has a sync twin with the same signature.

The classes and members come from introspecting `smartalex_async`, so a method added there
is checked here without editing this file. Annotations are compared as the source strings
that `from __future__ import annotations` keeps, after the Async-to-sync rewrite.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import pytest

import smartalex_async
import smartalex_sync

ASYNC_NAME = re.compile(r"Async[A-Z]\w*")


def async_classes() -> list[type]:
    """Return the exported `Async*` classes and the `Async*` classes their properties return."""
    pending = [
        getattr(smartalex_async, name)
        for name in smartalex_async.__all__
        if ASYNC_NAME.fullmatch(name) and inspect.isclass(getattr(smartalex_async, name))
    ]
    found: dict[str, type] = {}
    while pending:
        cls = pending.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = cls
        for _, member in public_members(cls):
            if isinstance(member, property) and member.fget is not None:
                annotation = inspect.signature(member.fget).return_annotation
                target = vars(inspect.getmodule(member.fget)).get(annotation)
                if inspect.isclass(target) and ASYNC_NAME.fullmatch(target.__name__):
                    pending.append(target)
    return [found[name] for name in sorted(found)]


def public_members(cls: type) -> Iterator[tuple[str, object]]:
    for name in sorted(dir(cls)):
        if not name.startswith("_") or name in ("__aenter__", "__aexit__"):
            yield name, inspect.getattr_static(cls, name)


def sync_annotation(text: object) -> object:
    """Apply the documented rewrite: `AsyncIterator[` to `Iterator[`, `AsyncFoo` to `Foo`."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"\bAsyncIterator\[", "Iterator[", text)
    return re.sub(r"\bAsync([A-Z]\w*)", r"\1", text)


def same_default(actual: object, expected: object) -> bool:
    """Identity, or an equal literal of the same type (a tuple literal builds a new tuple)."""
    return actual is expected or (type(actual) is type(expected) and actual == expected)


def sync_twin(cls: type) -> type:
    twin = getattr(smartalex_sync, cls.__name__.removeprefix("Async"))
    assert inspect.isclass(twin)
    return twin


def sync_name(name: str) -> str:
    return {"__aenter__": "__enter__", "__aexit__": "__exit__"}.get(name, name)


CASES = [
    pytest.param(cls, name, member, id=f"{cls.__name__}.{name}")
    for cls in async_classes()
    for name, member in public_members(cls)
]


def test_classes_found() -> None:
    names = [cls.__name__ for cls in async_classes()]

    assert "AsyncSmartAlex" in names
    assert "AsyncCampaigns" in names
    assert "AsyncContacts" in names


@pytest.mark.parametrize(("cls", "name", "member"), CASES)
def test_member_has_twin(cls: type, name: str, member: object) -> None:
    twin = inspect.getattr_static(sync_twin(cls), sync_name(name), None)

    assert twin is not None
    assert isinstance(twin, property) == isinstance(member, property)


@pytest.mark.parametrize(("cls", "name", "member"), CASES)
def test_member_is_sync(cls: type, name: str, member: object) -> None:
    twin = inspect.getattr_static(sync_twin(cls), sync_name(name))
    function = twin.fget if isinstance(twin, property) else twin

    assert not inspect.iscoroutinefunction(function)
    assert not inspect.isasyncgenfunction(function)


@pytest.mark.parametrize(("cls", "name", "member"), CASES)
def test_member_signature_matches(cls: type, name: str, member: object) -> None:
    async_function = member.fget if isinstance(member, property) else member
    twin = inspect.getattr_static(sync_twin(cls), sync_name(name))
    sync_function = twin.fget if isinstance(twin, property) else twin
    assert callable(async_function)
    assert callable(sync_function)
    expected = inspect.signature(async_function).parameters.values()
    actual = inspect.signature(sync_function).parameters.values()

    assert [p.name for p in actual] == [p.name for p in expected]
    assert [p.kind for p in actual] == [p.kind for p in expected]
    for async_parameter, sync_parameter in zip(expected, actual, strict=True):
        assert same_default(sync_parameter.default, async_parameter.default), sync_parameter.name
        assert sync_parameter.annotation == sync_annotation(async_parameter.annotation)


@pytest.mark.parametrize(("cls", "name", "member"), CASES)
def test_member_return_matches(cls: type, name: str, member: object) -> None:
    async_function = member.fget if isinstance(member, property) else member
    twin = inspect.getattr_static(sync_twin(cls), sync_name(name))
    sync_function = twin.fget if isinstance(twin, property) else twin
    assert callable(async_function)
    assert callable(sync_function)

    expected = sync_annotation(inspect.signature(async_function).return_annotation)
    actual = inspect.signature(sync_function).return_annotation

    assert actual == expected


@pytest.mark.parametrize(("cls", "name", "member"), CASES)
def test_member_docstring_kept(cls: type, name: str, member: object) -> None:
    twin = inspect.getattr_static(sync_twin(cls), sync_name(name))

    assert bool(twin.__doc__) == bool(member.__doc__)


def test_iterator_methods_return_iterator() -> None:
    for cls in async_classes():
        for name, member in public_members(cls):
            if inspect.isasyncgenfunction(member):
                returns = inspect.signature(getattr(sync_twin(cls), name)).return_annotation
                assert returns.startswith("Iterator["), f"{cls.__name__}.{name}"


def test_client_init_matches() -> None:
    expected = inspect.signature(smartalex_async.AsyncSmartAlex.__init__)
    actual = inspect.signature(smartalex_sync.SmartAlex.__init__)

    assert actual == expected


def test_package_reexports() -> None:
    for name in smartalex_async.__all__:
        if ASYNC_NAME.fullmatch(name):
            continue
        assert getattr(smartalex_sync, name) is getattr(smartalex_async, name), name
        assert name in smartalex_sync.__all__, name


def test_package_exports_twins() -> None:
    for cls in async_classes():
        assert sync_twin(cls).__name__ in smartalex_sync.__all__
