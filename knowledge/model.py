"""The clause ranker at run time: the model file's weights, scored in pure Python.

knowledge/train.py fits the model with scikit-learn and writes a policy bundle's ranker.json; this
module reads that file and computes exactly what scikit-learn's pipeline would (a test proves it
on every curated question): per feature block, sublinear TF times IDF, L2-normalised, times the
block's weight; then one dot product per class over the few features a question has, and a
softmax of the logits divided by the calibration temperature.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from operator import mul
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.features import Featurizer
from knowledge.policy import DATA_DIR

MODEL_FILE = DATA_DIR / "ranker.json"
FORMAT = 2  # per feature [idf, "class weight class weight …"]: see parse_weights
BLOCKS = ("words", "chars", "concepts")


_ZERO: tuple[float, ...] = ()  # a feature whose weights were all pruned


def parse_weights(text: str) -> dict[str, float]:
    """A feature's weights as the file keeps them, "3.5 0.1234 none -0.0567", as a mapping.
    One string per feature, read only when a question has the feature: the file has ~150,000
    weights and parsing them all as JSON numbers would take most of the start-up."""
    parts = text.split()
    return {parts[n]: float(parts[n + 1]) for n in range(0, len(parts), 2)}


def softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


class Model:
    """Loaded once; `score` is read-only and safe to call from many threads."""

    def __init__(self, data: dict, featurizer: Featurizer) -> None:
        self.featurizer = featurizer
        self.classes: list[str] = data["classes"]
        self.settings: dict = data["settings"]
        self.data_sha256: str = data["data_sha256"]
        self.vocabulary: list[str] = data["vocabulary"]
        self._intercepts: list[float] = data["intercepts"]
        weight_of = {
            "words": self.settings["word_weight"],
            "chars": self.settings["char_weight"],
            "concepts": self.settings["concept_weight"],
        }
        # block -> feature -> [idf, "class weight …"], as read (no conversion: start-up stays fast)
        self._blocks: list[tuple[Callable[[str], list[str]], float, dict]] = []
        analyzers = {
            "words": featurizer.word_features,
            "chars": featurizer.char_features,
            "concepts": featurizer.concept_features,
        }
        for name in BLOCKS:
            self._blocks.append((analyzers[name], weight_of[name], data["blocks"][name]))
        self._tables = dict(zip(BLOCKS, (table for _, _, table in self._blocks)))
        self._rows: dict[tuple[str, str], tuple[float, ...]] = {}
        # situation id -> (block, feature) -> weight (unit length): see knowledge/train.py
        self.situations: dict[str, dict[tuple[str, str], float]] = {
            sid: {tuple(key.split(":", 1)): w for key, w in terms.items()}
            for sid, terms in data["situations"].items()
        }

    def vector(self, text: str) -> dict[tuple[str, str], float]:
        """(block, feature) -> value: the text's TF-IDF features as the model weighs them."""
        out = {}
        for name, (analyzer, block_weight, table) in zip(BLOCKS, self._blocks):
            values = {}
            get = table.get
            for f, n in Counter(analyzer(text)).items():
                entry = get(f)
                if entry is not None:  # sublinear tf: 1 + ln(n), which is exactly 1 for n = 1
                    values[f] = entry[0] if n == 1 else (1.0 + math.log(n)) * entry[0]
            if not values:
                continue
            scale = block_weight / math.sqrt(sum(v * v for v in values.values()))
            for feature, value in values.items():
                out[name, feature] = value * scale
        return out

    def logits(self, vector: dict[tuple[str, str], float]) -> list[float]:
        """Raw class scores (before calibration): intercept + weights · features. Summed a class
        at a time over the question's features (C-level loops: a long question stays cheap)."""
        xs, rows = [], []
        for key, x in vector.items():
            row = self._rows.get(key)
            if row is None:
                row = self._row(key)
            if row:
                xs.append(x)
                rows.append(row)
        if not rows:
            return list(self._intercepts)
        return [b + sum(map(mul, xs, column)) for b, column in zip(self._intercepts, zip(*rows))]

    def _row(self, key: tuple[str, str]) -> tuple[float, ...]:
        """A feature's weights as one value per class, made on first use (start-up stays fast;
        the same result if two threads race to make it)."""
        weights = parse_weights(self._tables[key[0]][key[1]][1])
        row = tuple(weights.get(label, 0.0) for label in self.classes) if weights else _ZERO
        self._rows[key] = row
        return row

    def probabilities(self, vector: dict[tuple[str, str], float]) -> dict[str, float]:
        """Calibrated class probabilities (softmax of logits / temperature); they sum to 1."""
        temperature = self.settings["temperature"]
        p = softmax([v / temperature for v in self.logits(vector)])
        return dict(zip(self.classes, p))

    def contributions(self, vector: dict[tuple[str, str], float], label: str) -> dict:
        """(block, feature) -> its part in `label`'s logit: what the answer rests on."""
        k = self.classes.index(label)
        out = {}
        for key, x in vector.items():
            row = self._rows.get(key)
            if row is None:
                row = self._row(key)
            if row and row[k] != 0.0:
                out[key] = x * row[k]
        return out

    def confidence(self, p_top: float, in_scope: float) -> float:
        """The calibrated chance that the first clause is right: a logistic function of the
        first clause's and the in-scope probabilities' log-odds, fitted on cross-validated
        predictions (bench/tune.py)."""
        return calibrated_confidence(p_top, in_scope, self.settings["confidence"])


def calibrated_confidence(p_top: float, in_scope: float, coefficients) -> float:
    a, b, c = coefficients
    return 1.0 / (1.0 + math.exp(-(a * _logit(p_top) + b * _logit(in_scope) + c)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def load_model(path: Path, featurizer: Featurizer) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(f"{path.name}: not found; run `make train`") from None
    except json.JSONDecodeError as exc:
        raise KnowledgeError(f"{path.name}: not valid JSON ({exc.msg}); run `make train`") from None
    if data.get("format") != FORMAT:
        raise KnowledgeError(f"{path.name}: unknown format; run `make train`")
    return Model(data, featurizer)
