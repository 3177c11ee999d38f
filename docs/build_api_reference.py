"""Build the HTML API reference of the SDK with pdoc: `make docs`, or run this file directly.

    python -W error docs/build_api_reference.py build/docs

pdoc documents each module's `__all__`. It shows the attribute docstring of a constant only
when the documented module assigns the constant itself (pdoc 16 reads those docstrings from
that module's source alone), and `smartalex_async` re-exports its constants from private
modules. So before rendering, this script copies each re-exported constant's docstring from
the module that assigns it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pdoc
import pdoc.doc
import pdoc.doc_ast
import pdoc.render

REPOSITORY = Path(__file__).resolve().parent.parent

# The modules a user imports. Their own public submodules are listed because pdoc follows
# only the submodules that a package names in its __all__.
DOCUMENTED_MODULES = [
    "smartalex_async",
    "smartalex_async.emulator",
    "smartalex_async.pytest_plugin",
    "smartalex_sync",
]
PACKAGES = ["smartalex_async", "smartalex_sync"]


def package_modules(package_name: str) -> Iterator[ModuleType]:
    package = importlib.import_module(package_name)
    yield package
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
        yield importlib.import_module(info.name)


def constant_docstrings() -> dict[tuple[str, int], str]:
    """Map (name, id of the value) to the attribute docstring where the constant is assigned."""
    docstrings: dict[tuple[str, int], str] = {}
    for package_name in PACKAGES:
        for module in package_modules(package_name):
            for name, docstring in pdoc.doc_ast.walk_tree(module).var_docstrings.items():
                if hasattr(module, name):
                    docstrings[(name, id(getattr(module, name)))] = docstring
    return docstrings


def fill_constant_docstrings(
    module: pdoc.doc.Module, docstrings: dict[tuple[str, int], str]
) -> int:
    """Give each undocumented variable of `module` its docstring from its defining module.

    Returns how many variables received one.
    """
    filled = 0
    for member in module.members.values():
        if not isinstance(member, pdoc.doc.Variable) or member.docstring:
            continue
        value = getattr(module.obj, member.name, None)
        docstring = docstrings.get((member.name, id(value)))
        if docstring:
            member.docstring = docstring
            filled += 1
    return filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="Directory to write the HTML files into.")
    output = parser.parse_args().output

    # Document this checkout, not another installed copy of the package.
    sys.path.insert(0, str(REPOSITORY))
    pdoc.render.configure(docformat="google", show_source=True)

    docstrings = constant_docstrings()
    for name in DOCUMENTED_MODULES:
        # Module.from_name caches its result, so pdoc.pdoc() below renders these objects.
        fill_constant_docstrings(pdoc.doc.Module.from_name(name), docstrings)

    pdoc.pdoc(*DOCUMENTED_MODULES, output_directory=output)
    print(f"Wrote the API reference of {', '.join(DOCUMENTED_MODULES)} to {output}/index.html")


if __name__ == "__main__":
    main()
