"""Read the evaluation set (format: vendor/eval/README.md) and fail clearly on a bad line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = REPO_ROOT / "vendor" / "eval" / "dev.jsonl"


class EvalError(Exception):
    """The evaluation set is missing or malformed; the message says where."""


@dataclass(frozen=True)
class EvalRow:
    q: str
    clauses: tuple[str, ...]  # any one is a correct top answer; empty when out of scope
    kind: str  # "in" | "out"

    @property
    def in_scope(self) -> bool:
        return self.kind == "in"


def load_eval(path: Path) -> list[EvalRow]:
    if not path.is_file():
        raise EvalError(f"evaluation set not found: {path} (pass --eval PATH)")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                rows.append(_row(line, f"{path.name} line {n}"))
    if not rows:
        raise EvalError(f"{path}: no questions")
    return rows


def _row(line: str, where: str) -> EvalRow:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("q"), str):
        raise EvalError(f"{where}: expected an object with a string 'q'")
    kind, clauses = data.get("kind"), data.get("clauses") or []
    if kind not in ("in", "out"):
        raise EvalError(f'{where}: \'kind\' must be "in" or "out"')
    if not isinstance(clauses, list) or (kind == "in") != bool(clauses):
        raise EvalError(f"{where}: 'clauses' must be a non-empty list exactly when kind is \"in\"")
    return EvalRow(data["q"], tuple(str(c) for c in clauses), kind)
