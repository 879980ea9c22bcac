"""Write the offline intersphinx inventories ``python.inv``, ``numpy.inv`` and ``graphviz.inv``.

``docs/conf.py`` maps each project to its online ``objects.inv`` first and to one of
these files second, so the docs build (with ``-n -W``) needs no network: when the
online inventory can't be fetched, Sphinx logs that at INFO level and uses the file.

The files list only the objects the docs refer to, with the same object type and URI
as in the real inventories (so a reference resolves online and offline alike). When a
build with no network reports ``py:... reference target not found: NAME`` for a Python
or NumPy object, add NAME to the table below and run, from the repository root::

    python docs/_intersphinx/make_inventories.py

The output is deterministic. To compare the tables with real inventories (downloaded
by hand, or Debian's ``python3-doc``), pass them::

    python docs/_intersphinx/make_inventories.py --check python=/usr/share/doc/python3/html/objects.inv
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).parent

# (name, "domain:type", URI relative to the project's base URL)
Entry = tuple[str, str, str]

_FUNCTIONS = "library/functions.html#"
_STDTYPES = "library/stdtypes.html#"
_EXCEPTIONS = "library/exceptions.html#"
_CONSTANTS = "library/constants.html#"
_ABC = "library/collections.abc.html#"
_TYPING = "library/typing.html#"

PYTHON: list[Entry] = [
    # built-in types
    *((name, "py:class", _FUNCTIONS + name) for name in ("bool", "complex", "float", "int")),
    *((name, "py:class", _FUNCTIONS + name) for name in ("object", "slice", "type")),
    *((name, "py:class", _STDTYPES + name) for name in ("dict", "list", "str", "tuple")),
    *((name, "py:class", _STDTYPES + name) for name in ("frozenset", "set", "range")),
    # built-in functions
    *(
        (name, "py:function", _FUNCTIONS + name)
        for name in ("abs", "isinstance", "len", "max", "min", "print", "repr", "sum")
    ),
    # constants
    *((name, "py:data", _CONSTANTS + name) for name in ("Ellipsis", "None", "NotImplemented")),
    # exceptions
    *(
        (name, "py:exception", _EXCEPTIONS + name)
        for name in (
            "ArithmeticError",
            "Exception",
            "IndexError",
            "KeyError",
            "NotImplementedError",
            "RecursionError",
            "RuntimeError",
            "TypeError",
            "ValueError",
            "ZeroDivisionError",
        )
    ),
    # collections.abc
    *(
        (f"collections.abc.{name}", "py:class", f"{_ABC}collections.abc.{name}")
        for name in (
            "Callable",
            "Hashable",
            "Iterable",
            "Iterator",
            "Mapping",
            "MutableMapping",
            "Sequence",
        )
    ),
    # typing
    *(
        (f"typing.{name}", "py:data", f"{_TYPING}typing.{name}")
        for name in (
            "Any",
            "ClassVar",
            "Final",
            "Literal",
            "NoReturn",
            "Optional",
            "Self",
            "TypeAlias",
            "Union",
        )
    ),
    *(
        (f"typing.{name}", "py:class", f"{_TYPING}typing.{name}")
        for name in ("Generic", "NamedTuple", "Protocol", "TypeVar")
    ),
    *(
        (f"typing.{name}", "py:function", f"{_TYPING}typing.{name}")
        for name in ("cast", "overload")
    ),
    ("types.UnionType", "py:class", "library/types.html#types.UnionType"),
    ("functools.wraps", "py:function", "library/functools.html#functools.wraps"),
    ("inspect.getsource", "py:function", "library/inspect.html#inspect.getsource"),
    ("math.sin", "py:function", "library/math.html#math.sin"),
]

_GENERATED = "reference/generated/"
_NPT = "reference/typing.html#"

NUMPY: list[Entry] = [
    # classes
    *(
        (f"numpy.{name}", "py:class", f"{_GENERATED}numpy.{name}.html#numpy.{name}")
        for name in ("dtype", "ndarray", "ufunc")
    ),
    ("numpy.generic", "py:class", "reference/arrays.scalars.html#numpy.generic"),
    ("numpy.floating", "py:class", "reference/arrays.scalars.html#numpy.floating"),
    ("numpy.double", "py:class", "reference/arrays.scalars.html#numpy.double"),
    # The sized aliases are documented as attributes of the numpy module.
    ("numpy.float64", "py:attribute", "reference/arrays.scalars.html#numpy.float64"),
    ("numpy.integer", "py:class", "reference/arrays.scalars.html#numpy.integer"),
    (
        "numpy.random.Generator",
        "py:class",
        "reference/random/generator.html#numpy.random.Generator",
    ),
    # numpy.typing
    *(
        (f"numpy.typing.{name}", "py:data", f"{_NPT}numpy.typing.{name}")
        for name in ("ArrayLike", "DTypeLike", "NDArray")
    ),
    # functions and ufuncs
    *(
        (f"numpy.{name}", "py:data", f"{_GENERATED}numpy.{name}.html#numpy.{name}")
        for name in ("cos", "exp", "log", "maximum", "minimum", "sin", "sqrt", "tan", "tanh")
    ),
    *(
        (f"numpy.{name}", "py:function", f"{_GENERATED}numpy.{name}.html#numpy.{name}")
        for name in (
            "allclose",
            "asarray",
            "broadcast_to",
            "matmul",
            "max",
            "mean",
            "reshape",
            "stack",
            "sum",
            "transpose",
            "where",
            "zeros",
        )
    ),
    (
        "numpy.random.default_rng",
        "py:function",
        "reference/random/generator.html#numpy.random.default_rng",
    ),
]

# graphviz (https://graphviz.readthedocs.io/en/stable): the classes are documented at
# the top level (``graphviz.Digraph``); docs/conf.py maps their runtime module
# (``graphviz.graphs``) to ``graphviz``.
GRAPHVIZ: list[Entry] = [
    *(
        (f"graphviz.{name}", "py:class", f"api.html#graphviz.{name}")
        for name in ("Digraph", "Graph", "Source")
    ),
    *(
        (f"graphviz.{name}", "py:function", f"api.html#graphviz.{name}")
        for name in ("pipe", "render", "view")
    ),
]

INVENTORIES = {
    "python": ("Python", "3", PYTHON),
    "numpy": ("NumPy", "stable", NUMPY),
    "graphviz": ("graphviz", "stable", GRAPHVIZ),
}


def render(project: str, version: str, entries: list[Entry]) -> bytes:
    """The bytes of a version-2 Sphinx inventory (``objects.inv``) listing ``entries``."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    names = [(name, role) for name, role, _ in entries]
    if len(set(names)) != len(names):
        msg = f"duplicate entries in the {project} table"
        raise ValueError(msg)
    lines = [f"{name} {role} 1 {uri} -\n" for name, role, uri in sorted(entries)]
    return header.encode() + zlib.compress("".join(lines).encode(), 9)


def check(key: str, real_path: Path) -> int:
    """Compare a table with a real inventory; return the number of mismatches."""
    from sphinx.util.inventory import InventoryFile  # only needed for --check

    base = "https://example.invalid"
    with real_path.open("rb") as f:
        real = InventoryFile.load(f, base, lambda a, b: f"{a}/{b}")
    data = getattr(real, "data", real)
    problems = 0
    for name, role, uri in INVENTORIES[key][2]:
        item = data.get(role, {}).get(name)
        if item is None:
            elsewhere = [r for r, objects in data.items() if name in objects]
            print(f"{key}: {name} {role}: not in {real_path} (found as {elsewhere})")
            problems += 1
            continue
        real_uri = item[2] if isinstance(item, tuple) else item.uri
        if real_uri != f"{base}/{uri}":
            print(f"{key}: {name} {role}: {uri} here, {real_uri.removeprefix(base + '/')} there")
            problems += 1
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        nargs="+",
        metavar="KEY=PATH",
        help="compare the tables with real inventories instead of writing the files",
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = 0
        for spec in args.check:
            key, _, path = spec.partition("=")
            problems += check(key, Path(path))
        print(f"{problems} mismatch(es)")
        return 1 if problems else 0
    for key, (project, version, entries) in INVENTORIES.items():
        path = HERE / f"{key}.inv"
        path.write_bytes(render(project, version, entries))
        print(f"wrote {path} ({len(entries)} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
