#!/usr/bin/env python3
"""Mutation testing of nn_lib with mutmut 3, decorated functions included.

mutmut 3 does not mutate a function that carries a decorator (it cannot put its
trampoline under one safely in general). Many of nn_lib's functions carry
``@validate_params(...)`` or ``@functools.wraps(...)``: the data generators,
``initialize_parameters``, ``numerical_gradient``, ``train`` and its loop,
the intervals of ``nn_lib.evidence``... Run on the repository as it is, mutmut
would skip them all and report a score that says nothing about them.

This script copies the library, its tests and ``pyproject.toml`` into a
working folder, rewrites each of those decorators as the assignment it stands
for, which Python defines to be equivalent::

    @validate_params(n=Integer(1))          def f(n): ...
    def f(n): ...                    ->     f = validate_params(n=Integer(1))(f)

and runs ``mutmut run`` there (the ``[tool.mutmut]`` settings of
``pyproject.toml`` apply: which modules, which tests; the one test that checks
a public function's own signature is left out, since mutmut's trampoline
replaces it). The repository itself is not changed.

Run, from the repository root, with mutmut installed (``pip install "mutmut>=3,<4"``):

    python scripts/mutation_testing.py                    # everything, in build/mutation
    python scripts/mutation_testing.py "nn_lib.data.*"    # some mutants (mutmut's name patterns)
    python scripts/mutation_testing.py --children 2 ...   # mutmut's --max-children (default 1)

then ``cd build/mutation && mutmut results`` (``mutmut show NAME`` prints one).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
#: Decorators that are plain wrappers, safe to apply after the definition.
WRAPPERS = ("validate_params", "functools.wraps")
#: Tests that inspect a public function's own signature, which mutmut's trampoline
#: (a ``*args, **kwargs`` wrapper) replaces: they would fail for every mutant.
SIGNATURE_TESTS = ["tests/test_nn_lib_network.py::test_the_checked_functions_keep_the_cores_signature"]


def _name(decorator: cst.Decorator) -> str:
    expression = decorator.decorator
    if isinstance(expression, cst.Call):
        expression = expression.func
    return cst.Module([]).code_for_node(expression)


class _DecoratorsAsAssignments(cst.CSTTransformer):
    """Module-level functions: ``@A @B def f`` becomes ``def f`` then ``f = A(B(f))``."""

    def __init__(self) -> None:
        super().__init__()
        self.rewritten = 0

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        for statement in updated.body:
            if (isinstance(statement, cst.FunctionDef) and statement.decorators
                    and all(_name(d) in WRAPPERS for d in statement.decorators)):
                wrapped: cst.BaseExpression = statement.name
                for decorator in reversed(statement.decorators):
                    wrapped = cst.Call(func=decorator.decorator, args=[cst.Arg(wrapped)])
                self.rewritten += 1
                body.append(statement.with_changes(decorators=()))
                body.append(cst.SimpleStatementLine(
                    [cst.Assign([cst.AssignTarget(statement.name)], wrapped)]))
            else:
                body.append(statement)
        return updated.with_changes(body=body)


def prepare(folder: Path) -> int:
    """Copy the library, the tests and pyproject.toml into ``folder``; rewrite the decorators.

    Returns the number of functions rewritten."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "nn_lib", folder / "nn_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", folder / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pytest.ini", folder / "pytest.ini")
    deselect = "".join(f'"--deselect", "{test}", ' for test in SIGNATURE_TESTS)
    pyproject = (ROOT / "pyproject.toml").read_text()
    (folder / "pyproject.toml").write_text(
        pyproject.replace("pytest_add_cli_args = [", "pytest_add_cli_args = [" + deselect, 1))
    rewritten = 0
    for path in sorted((folder / "nn_lib").glob("*.py")):
        transformer = _DecoratorsAsAssignments()
        module = cst.parse_module(path.read_text()).visit(transformer)
        if transformer.rewritten:
            rewritten += transformer.rewritten
            path.write_text(module.code)
    return rewritten


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", help="mutmut name patterns, e.g. 'nn_lib.data.*'")
    parser.add_argument("--children", type=int, default=1, help="mutmut run --max-children")
    parser.add_argument("--folder", type=Path, default=ROOT / "build" / "mutation")
    args = parser.parse_args()
    rewritten = prepare(args.folder)
    print(f"{rewritten} decorated functions rewritten as assignments in {args.folder}")
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(args.children), *args.mutants]
    return subprocess.call(command, cwd=args.folder)


if __name__ == "__main__":
    sys.exit(main())
