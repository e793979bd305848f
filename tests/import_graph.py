"""Which module of a package imports which, read from the source (``ast``), not by importing.

Every ``import`` and ``from … import`` counts, also those inside functions (the lazy imports
that keep ``import theory`` light): a dependency is a dependency even when it loads late.
Names imported from a package that are its submodules count as imports of those modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["cycle", "import_graph", "layer_violations"]


def _module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node, package):
    """The dotted names an import statement may refer to (modules, or names inside them)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
    module = ".".join(base + ([node.module] if node.module else []))
    return [f"{module}.{alias.name}" for alias in node.names] + ([module] if node.module else [])


def import_graph(package_dir):
    """``{module: {modules of the same package it imports}}`` for every ``.py`` file below
    ``package_dir``; a module's own package ``__init__`` is not counted as an import of it."""
    package_dir = Path(package_dir)
    root = package_dir.parent
    paths = sorted(package_dir.rglob("*.py"))
    known = {_module_name(p, root) for p in paths}
    graph = {}
    for path in paths:
        name = _module_name(path, root)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for dotted in _imported(node, package):
                    while dotted and dotted not in known:
                        dotted = dotted.rpartition(".")[0]
                    if dotted and dotted != name:
                        found.add(dotted)
        graph[name] = found
    return graph


def layer_violations(graph, layer_of):
    """``[(importer, imported)]`` where a module imports one of a higher layer.

    ``layer_of(module)`` gives a module's layer as a number (higher: further from the
    foundations), or None for a module that is left out either way (the package facade).
    """
    return sorted((source, target) for source, targets in graph.items() for target in targets
                  if layer_of(source) is not None and layer_of(target) is not None
                  and layer_of(target) > layer_of(source))


def cycle(graph):
    """One import cycle of ``graph`` as a list ``[a, b, …, a]``, or None when there is none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None
