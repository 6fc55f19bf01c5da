"""Imports run one way: interfaces, then domain apps, then common (ADR 0017). The contracts are in pyproject.toml
([tool.importlinter]); import-linter checks them by reading the source, so this runs wherever the suite runs."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_import_runs_back_up():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


# The files mypy checks ([tool.mypy] files in pyproject.toml): services and selectors.
TYPED = ["coursecerts/*/services.py", "coursecerts/*/services/*.py", "coursecerts/*/selectors.py"]
TYPED_TOO = ["coursecerts/certificates/generation_selectors.py"]


def _untyped_public_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
            continue
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        arguments += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
        untyped = [a.arg for a in arguments if a.annotation is None and a.arg not in ("self", "cls")]
        if untyped or node.returns is None:
            found.append(
                f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({', '.join(untyped) or 'return'})"
            )
    return found


def test_every_public_function_of_services_and_selectors_has_type_hints():
    paths = [p for pattern in TYPED for p in ROOT.glob(pattern)] + [ROOT / p for p in TYPED_TOO]
    assert len(paths) > 20
    untyped = [line for path in sorted(paths) for line in _untyped_public_functions(path)]
    assert not untyped, "\n".join(untyped)
