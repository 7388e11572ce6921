#!/usr/bin/env python3
"""Architecture metrics of the pyfermijobs package: import cycles and function sizes.

    python scripts/code_metrics.py [PACKAGE_DIR]

Every ``import`` counts, including those inside functions (they are how steps stay cheap to
start, but a cycle through them is still a cycle). Prints the cycles (strongly connected
groups of modules), the number of cross-step and engine->step imports, and the largest
functions. tests/test_architecture.py asserts the rules on the same graph.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the package's modules it imports (anywhere in its body)."""
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith(root.name):
                    graph[name].add(target)
    # a module's import of a package does not count as the package importing the module back
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layering_violations(graph: dict[str, set[str]], package: str) -> list[str]:
    """Imports that break the floors: a step importing a sibling step, an engine importing a step.
    The steps' options classes (steps.typed_options) are shared, like steps.common."""
    steps = f"{package}.steps."
    bad = []
    for mod, deps in sorted(graph.items()):
        for dep in sorted(deps):
            # shared helpers and the options classes, not steps
            shared = (f"{package}.steps.common", f"{package}.steps.dm_common", f"{package}.steps.typed_options")
            if (
                mod.startswith(steps)
                and dep.startswith(steps)
                and dep not in shared
                and mod != f"{package}.steps.chain"
            ):
                bad.append(f"{mod} -> {dep}")
            if mod.startswith(f"{package}.engines") and dep.startswith(steps):
                bad.append(f"{mod} -> {dep}")
    return bad


def functions(root: Path) -> list[tuple[int, str]]:
    """(lines, qualified name) of every function, largest first."""
    out = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out.append((node.end_lineno - node.lineno + 1, f"{module_name(path, root)}.{node.name}"))
    return sorted(out, reverse=True)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "pyfermijobs")
    graph = import_graph(root)
    found = cycles(graph)
    print(f"import cycles: {len(found)}")
    for group in found:
        print("  " + " <-> ".join(group))
    bad = layering_violations(graph, root.name)
    print(f"step->sibling-step and engine->step imports: {len(bad)}")
    for line in bad:
        print("  " + line)
    sizes = functions(root)
    print(f"functions: {len(sizes)}, median {sizes[len(sizes) // 2][0]} lines; largest:")
    for lines, name in sizes[:5]:
        print(f"  {lines:4d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
