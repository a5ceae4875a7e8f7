"""Dependencies run one way: no module imports from a layer above its own.

Every import in src/trimtab (module level, inside functions and under TYPE_CHECKING alike) is
read with `ast`; each module's layer comes from the longest prefix in LAYERS. Packages not listed
(the command line, the service, the daily run, batch, backtest, reports ...) are the top layer:
they may import anything and nothing listed may import them.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

LAYERS: dict[str, int] = {
    "trimtab.names": 0,
    "trimtab.errors": 0,
    "trimtab.money": 0,
    "trimtab.files": 0,
    "trimtab.config": 1,
    "trimtab.domain": 1,
    "trimtab.book": 2,
    "trimtab.tax": 3,
    "trimtab.risk": 3,
    "trimtab.snapshot": 4,
    "trimtab.standins": 4,
    "trimtab.snapshot_cache": 4,
    "trimtab.decision": 5,
    "trimtab.measures": 5,
    "trimtab.optimize": 6,
    "trimtab.household": 7,
    "trimtab.rebalance": 8,
    # the frontier traces account and household problems alike: it sits above both
    "trimtab.optimize.frontier": 8,
}
TOP = 100


def _layer(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:n]))
        if layer is not None:
            return layer
    return 0 if module == "trimtab" else TOP


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
    return [(line, t) for line, t in out if t == "trimtab" or t.startswith("trimtab.")]


def _violations() -> list[str]:
    found = []
    for path in sorted((SRC / "trimtab").rglob("*.py")):
        module = _module_name(path)
        mine = _layer(module)
        for line, target in _imports(path, module):
            if _layer(target) > mine:
                found.append(f"{module}:{line} imports {target} (layer {_layer(target)} > {mine})")
    return found


def test_no_module_imports_from_a_layer_above_it() -> None:
    assert _violations() == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """Guard against a vacuous check: a planted upward import is found."""
    path = SRC / "trimtab" / "optimize" / "build.py"
    tree_imports = _imports(path, "trimtab.optimize.build")
    assert tree_imports, "the parser found no trimtab imports at all"
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from trimtab.household.engine import optimize_household\n")
    ((line, target),) = [(ln, t) for ln, t in _imports(planted, "trimtab.optimize.planted")]
    assert (line, target) == (2, "trimtab.household.engine")
    assert _layer(target) > _layer("trimtab.optimize.planted")
    assert _layer("trimtab.workflow.run") == TOP and _layer("trimtab.optimize.frontier") == 8


def test_every_listed_layer_exists() -> None:
    for module in LAYERS:
        path = SRC / Path(*module.split("."))
        assert path.is_dir() or path.with_suffix(".py").exists(), module
