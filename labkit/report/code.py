"""The labkit code behind a notebook's results: the modules it imports, and their hash.

A notebook's modules are found by following ``import`` statements from its code
cells through labkit, so editing Lab 2's search code leaves Lab 1's results
current. Comments and docstrings are left out of the hash.
"""

import ast
import hashlib
import json
from pathlib import Path

__all__ = ["PACKAGE", "code_hash", "notebook_modules"]

PACKAGE = Path(__file__).resolve().parents[1]
# Left out of the hash: modules that run notebooks or write reports, which do not
# change results, and the profiles, whose values are hashed per notebook section.
NOT_RESULT_CODE = ("cli.py", "runner.py", "__main__.py", "report", "profiles.py")


def code_hash(notebook_path: Path, package: Path = PACKAGE) -> str:
    """Return a short hash of the code of the labkit modules a notebook runs."""
    digest = hashlib.sha256()
    for path in notebook_modules(notebook_path, package):
        relative = path.relative_to(package)
        if relative.parts[0] in NOT_RESULT_CODE:
            continue
        digest.update(relative.as_posix().encode())
        digest.update(_code_without_docs(path.read_text()).encode())
    return digest.hexdigest()[:16]


def notebook_modules(notebook_path: Path, package: Path = PACKAGE) -> list[Path]:
    """Return the labkit module files a notebook imports, directly or through labkit.

    A notebook whose code does not parse counts as importing every module.
    """
    try:
        names = _imports(_notebook_code(notebook_path), in_package="")
    except SyntaxError:
        return sorted(package.rglob("*.py"))
    found: dict[str, Path] = {}
    while names:
        name = names.pop()
        if name in found:
            continue
        path = _module_file(name, package)
        if path is None:
            continue
        found[name] = path
        in_package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        names.extend(_imports(path.read_text(), in_package))
    return sorted(found.values())


def _notebook_code(notebook_path: Path) -> str:
    """Return a notebook's code cells as one script, without IPython magics and shell lines."""
    cells = json.loads(Path(notebook_path).read_text())["cells"]
    lines = [line for cell in cells if cell["cell_type"] == "code"
             for line in "".join(cell["source"]).splitlines()
             if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _imports(source: str, in_package: str) -> list[str]:
    """Return every module name that ``source``, a module of ``in_package``, may import.

    ``from a import b`` lists both ``a`` and ``a.b``, because ``b`` may be a
    submodule. Importing ``a.b`` also runs ``a``, so parent packages are listed.
    """
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, in_package)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    parents = [".".join(name.split(".")[:end]) for name in names
               for end in range(1, name.count(".") + 1)]
    return names + parents


def _absolute(name: str | None, level: int, in_package: str) -> str:
    """Resolve ``from <level dots><name> import ...`` written in a module of ``in_package``."""
    if level == 0:
        return name or ""
    parts = in_package.split(".")
    base = parts[:len(parts) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _module_file(name: str, package: Path) -> Path | None:
    """Return the file of module ``name`` if it belongs to ``package``, else None."""
    parts = name.split(".")
    if parts[0] != package.name:
        return None
    stem = package.parent.joinpath(*parts)
    for path in (stem.with_suffix(".py"), stem / "__init__.py"):
        if path.is_file():
            return path
    return None


def _code_without_docs(source: str) -> str:
    """Return the syntax tree of ``source`` as text, without comments and docstrings."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = node.body[0] if node.body else None
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)
