"""The shape of the code: which feature packages may import which (STYLE.md, "Dependencies point one way").

Read from the source with `ast`, imports inside functions included, so a circle cannot hide in a late import.
"""

import ast
from collections import defaultdict
from pathlib import Path

COP = Path(__file__).resolve().parent.parent / "cop"

# auth <- orgs <- practices, discussions, events <- search: a package may import the ones before it.
ORDER = {"auth": 0, "orgs": 1, "practices": 2, "discussions": 2, "events": 2, "search": 3}


def feature_packages() -> set[str]:
    return {path.parent.name for path in COP.glob("*/__init__.py")}


def imports_between_packages() -> dict[str, dict[str, list[str]]]:
    """importing package -> imported package -> where ("cop/x/y.py:12"), for every import of cop.<package>."""
    packages = feature_packages()
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(COP.rglob("*.py")):
        parts = path.relative_to(COP).parts
        if len(parts) < 2:
            continue  # cop/__init__.py, cop/models.py and the like bring the features together
        importer = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
                if node.module == "cop":  # from cop import orgs
                    modules = [f"cop.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.ImportFrom):  # from . import x
                raise AssertionError(f"{path}:{node.lineno}: write imports in full (from cop.<package> ...)")
            else:
                continue
            for module in modules:
                names = module.split(".")
                if names[0] == "cop" and len(names) > 1 and names[1] in packages and names[1] != importer:
                    found[importer][names[1]].append(f"{path.relative_to(COP.parent)}:{node.lineno}")
    return found


def test_packages_import_only_those_before_them_in_the_order():
    wrong = [f"{importer} imports {imported} ({', '.join(places)})"
             for importer, targets in imports_between_packages().items() if importer in ORDER
             for imported, places in targets.items()
             if imported in ORDER and ORDER[imported] > ORDER[importer]]
    assert not wrong, "\n".join(wrong)


def test_no_import_circle_between_feature_packages():
    graph = imports_between_packages()
    circles = []
    state: dict[str, str] = {}  # "open" while its imports are being walked, then "done"

    def walk(package: str, trail: list[str]) -> None:
        state[package] = "open"
        for imported in sorted(graph.get(package, {})):
            if state.get(imported) == "open":
                circle = trail[trail.index(imported):] + [imported]
                circles.append(" -> ".join(f"{a} ({graph[a][b][0]})" for a, b in zip(circle, circle[1:])))
            elif imported not in state:
                walk(imported, trail + [imported])
        state[package] = "done"

    for package in sorted(feature_packages()):
        if package not in state:
            walk(package, [package])
    assert not circles, "\n".join(circles)


def test_only_accounts_make_or_look_up_the_private_feed_token():
    """The feed token is an account's secret: cop/auth makes, renews and looks it up; other packages only read
    the signed-in member's own (to show their address, or to see that they have none yet)."""
    wrong = []
    for path in sorted(COP.rglob("*.py")):
        if path.relative_to(COP).parts[0] == "auth":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.In)) for op in node.ops):
                targets = [node.left] + node.comparators  # a lookup by token
            else:
                continue
            if any(isinstance(target, ast.Attribute) and target.attr == "feed_token" for target in targets):
                wrong.append(f"{path.relative_to(COP.parent)}:{node.lineno}")
    assert not wrong, "the feed token is made or looked up outside cop/auth: " + ", ".join(wrong)


def imported_modules(path: Path):
    """(line, the modules an import statement names, each imported name as a module too) for every import
    in the file, those inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]


def test_no_package_imports_another_packages_views():
    """Views are a package's own; what two packages share lives in services, extensions or permissions."""
    wrong = []
    for path in sorted(COP.rglob("*.py")):
        package = path.relative_to(COP).parts[0]
        for lineno, modules in imported_modules(path):
            for names in (module.split(".") for module in modules):
                if names[:1] == ["cop"] and names[2:3] == ["views"] and names[1] != package:
                    wrong.append(f"{path.relative_to(COP.parent)}:{lineno} imports {'.'.join(names[:3])}")
    assert not wrong, "\n".join(dict.fromkeys(wrong))


def test_services_hold_rules_and_leave_pages_to_pages():
    """Filling a cached page for one member (placeholders, marks, buttons) lives in a package's `pages.py`;
    its services never touch the page cache."""
    wrong = []
    for path in sorted(COP.glob("*/services.py")):
        for lineno, modules in imported_modules(path):
            if any(module.startswith("cop.cache.fragments") for module in modules):
                wrong.append(f"{path.relative_to(COP.parent)}:{lineno}")
    assert not wrong, "services that fill pages: " + ", ".join(wrong)
