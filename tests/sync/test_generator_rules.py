"""The generator's translation rules, on the classes of async_shapes.py.

Each class is translated and the generated source is executed, so the tests check what the
generated code does as well as how it reads.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from smartalex_sync._portal import Portal

HERE = Path(__file__).resolve().parent
GENERATOR_PATH = HERE.parents[1] / "scripts" / "generate_sync.py"


def load_module(name: str, path: Path) -> ModuleType:
    """Import a file as a top-level module, registered so that generated code can import it."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generator = load_module("generate_sync", GENERATOR_PATH)
async_shapes = load_module("async_shapes", HERE / "async_shapes.py")


def translate(cls: type) -> str:
    sync_name = cls.__name__.removeprefix("Async")
    twin = generator.Twin(cls, sync_name, "shapes_sync", is_client=False)
    resolver = generator.Resolver({cls.__name__: twin}, "shapes_sync")
    lines = generator.ClassTranslator(twin, resolver).translate()
    source: str = generator.render_module(None, resolver, lines)
    return source


@pytest.fixture
def shapes() -> Iterator[Any]:
    namespace: dict[str, Any] = {}
    exec(compile(translate(async_shapes.AsyncShapes), "shapes_sync.py", "exec"), namespace)
    portal = Portal()
    yield namespace["Shapes"](async_shapes.AsyncShapes(), portal)
    portal.close()


def test_coroutine_runs(shapes: Any) -> None:
    assert shapes.add(1, 2, 3, scale=2, color="red") == 13


def test_default_kept(shapes: Any) -> None:
    assert shapes.add(1) == 1 + async_shapes.LIMIT


def test_signature_kept(shapes: Any) -> None:
    expected = inspect.signature(async_shapes.AsyncShapes.add)

    assert inspect.signature(type(shapes).add) == expected


def test_async_generator_iterates(shapes: Any) -> None:
    assert list(shapes.count()) == [0, 1, 2]


def test_iterator_return_rewritten(shapes: Any) -> None:
    returns = inspect.signature(type(shapes).count).return_annotation

    assert returns == "Iterator[int]"


def test_coroutine_iterator_iterates(shapes: Any) -> None:
    assert list(shapes.opened()) == [0, 1]


def test_plain_iterator_iterates(shapes: Any) -> None:
    assert list(shapes.stream()) == [0]


def test_plain_method_delegates(shapes: Any) -> None:
    assert shapes.describe("the") == "the shapes"


def test_property_delegates(shapes: Any) -> None:
    assert shapes.name == "shapes"


def test_docstring_kept(shapes: Any) -> None:
    assert type(shapes).add.__doc__ == "Add the numbers and multiply by `scale`."


def test_static_method_rejected() -> None:
    with pytest.raises(generator.GenerationError, match="staticmethod"):
        translate(async_shapes.AsyncWithStatic)


def test_async_return_rejected() -> None:
    with pytest.raises(generator.GenerationError, match="AsyncShapes"):
        translate(async_shapes.AsyncReturnsAsync)


def test_computed_default_rejected() -> None:
    with pytest.raises(generator.GenerationError, match="LIMIT \\+ 1"):
        translate(async_shapes.AsyncComputedDefault)
