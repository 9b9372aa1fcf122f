"""`python -m bench.tune`: choose the ranker's knobs by grouped cross-validation, and only by it.

Starting from knowledge.train.SETTINGS, each knob in turn is tried at a few values (the others
held), keeping a change only when the cross-validated objective rises and answers given at confidence
≥ 0.9 stay right at least SURE_TARGET of the time. For every candidate the
calibration is fitted to the held-out scores (temperature: least log-loss; then Platt scaling of
the first clause's chance of being right) and the decision point is the one that gets the most
held-out questions right for the user: an in-scope question answered with its clause first, an
out-of-scope one declined. Prints each trial and, at the end, the settings to put in knowledge/train.py.
The dev and blind sets are not read here.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, replace

from bench import crossval
from knowledge.curated import OUT_OF_SCOPE
from knowledge.train import SETTINGS, Settings

SURE_TARGET = 0.97  # answers given at confidence >= 0.9 must be right this often on CV
DECISION_POINTS = [round(0.2 + 0.025 * n, 3) for n in range(25)]  # 0.2 .. 0.8
GRID = {
    "c": (5.0, 10.0, 20.0, 50.0, 100.0, 200.0),
    "word_weight": (0.8, 1.2, 1.5),
    "char_weight": (0.5, 0.8, 1.2),
    "concept_weight": (0.3, 0.6, 1.0),
    "policy_weight": (0.5, 1.0, 2.0),
    "prune": (0.002, 0.01, 0.02, 0.05, 0.1),
    "augment_weight": (0.0, 0.1, 0.2, 0.3, 0.5),
    "chat_weight": (0.0, 0.25, 0.5, 1.0),
    "none_weight": (0.7, 1.0, 1.5, 2.0),
}


@dataclass(frozen=True)
class Figures:
    top1: float
    top3: float
    correct_decline: float
    false_decline: float
    sure_right: float  # share right among answers given at confidence >= 0.9
    sure_share: float  # share of in-scope questions answered at confidence >= 0.9
    n_in: int
    n_out: int

    @property
    def objective(self) -> float:
        """The share of all held-out questions that went right for the user."""
        right = self.top1 * self.n_in + self.correct_decline * self.n_out
        return right / (self.n_in + self.n_out)


def figures(decided: list[crossval.Decided]) -> Figures:
    inside = [d for d in decided if d.label != OUT_OF_SCOPE]
    outside = [d for d in decided if d.label == OUT_OF_SCOPE]
    sure = [d for d in decided if d.answered and d.confidence >= 0.9]
    return Figures(
        top1=_share(inside, lambda d: d.right),
        top3=_share(inside, lambda d: d.answered and d.label in d.clauses[:3]),
        correct_decline=_share(outside, lambda d: not d.answered),
        false_decline=_share(inside, lambda d: not d.answered),
        sure_right=_share(sure, lambda d: d.right),
        sure_share=_share(inside, lambda d: d.answered and d.confidence >= 0.9),
        n_in=len(inside),
        n_out=len(outside),
    )


def fit_temperature(held: list[crossval.HeldOut], labels: list[str]) -> float:
    """The temperature with the least log-loss on the held-out scores (golden-section search)."""
    index = {label: k for k, label in enumerate(labels)}

    def loss(t: float) -> float:
        total = 0.0
        for h in held:
            z = [v / t for v in h.logits]
            top = max(z)
            total += top + math.log(sum(math.exp(v - top) for v in z)) - z[index[h.label]]
        return total

    lo, hi = 0.2, 5.0
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
        if loss(a) < loss(b):
            hi = b
        else:
            lo = a
    return round((lo + hi) / 2, 3)


def decision_point(held, labels, temperature: float, confidence) -> tuple[float, Figures]:
    """The decision point with the best objective (on a tie, the lower: fewer false declines)."""
    best = None
    for point in DECISION_POINTS:
        f = figures(crossval.decide(held, labels, temperature, point, confidence))
        if best is None or f.objective > best[1].objective + 1e-12:
            best = (point, f)
    return best


def fit_confidence(held, labels, temperature: float) -> tuple[float, float, float]:
    """Platt scaling of "the first clause is right" on the log-odds of the first clause's
    probability, over every held-out question. (Adding the in-scope probability's log-odds was
    tried: the answers at confidence >= 0.9 were right less often on CV, 96.4 vs 96.7 %.)"""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    raw = crossval.decide(held, labels, temperature, 0.0)
    x = np.array([[_logit(d.confidence)] for d in raw])
    y = np.array([d.label == d.clauses[0] for d in raw])
    fitted = LogisticRegression(C=1e4, max_iter=1000).fit(x, y)
    return round(float(fitted.coef_[0][0]), 4), 0.0, round(float(fitted.intercept_[0]), 4)


def evaluate(settings: Settings) -> tuple[Settings, Figures]:
    """The settings with their fitted calibration and decision point, and their CV figures."""
    _, _, labels = crossval.knowledge()
    held = crossval.held_out(_raw(settings))
    temperature = fit_temperature(held, labels)
    confidence = fit_confidence(held, labels, temperature)
    point, f = decision_point(held, labels, temperature, confidence)
    return replace(settings, temperature=temperature, decline_below=point, confidence=confidence), f


def _raw(settings: Settings) -> Settings:
    """The settings that change the held-out scores (calibration and decision do not)."""
    return replace(settings, temperature=1.0, decline_below=0.5, confidence=(1.0, 0.0, 0.0))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tune", description=__doc__)
    parser.add_argument("--knobs", nargs="*", default=list(GRID), help="which knobs to try")
    parser.add_argument(
        "--chatty",
        action="store_true",
        help="also print each candidate's figures with held-out staff chat around the questions",
    )
    args = parser.parse_args(argv)
    show = _show_with_chat if args.chatty else _show
    best, f = evaluate(SETTINGS)
    show("start", best, f)
    for knob in args.knobs:
        for value in GRID[knob]:
            if getattr(best, knob) == value:
                continue
            candidate, g = evaluate(replace(best, **{knob: value}))
            show(f"{knob}={value}", candidate, g)
            if g.objective > f.objective + 1e-9 and g.sure_right >= SURE_TARGET:
                best, f = candidate, g
    print("\nchosen (put in knowledge/train.py SETTINGS):")
    print(best)
    return 0


def _show(name: str, s: Settings, f: Figures) -> None:
    print(
        f"{name:24} obj {f.objective:.4f}  top-1 {f.top1:.1%}  top-3 {f.top3:.1%}  "
        f"decline {f.correct_decline:.1%}  false-decline {f.false_decline:.1%}  "
        f"≥0.9 right {f.sure_right:.1%} ({f.sure_share:.0%} of in-scope)  "
        f"T {s.temperature}  point {s.decline_below}",
        flush=True,
    )


def chatty_figures(settings: Settings) -> Figures:
    """The figures with held-out chat around each question, decided as served: with the
    calibration and decision point fitted on the plain questions."""
    _, _, labels = crossval.knowledge()
    held = crossval.held_out(_raw(settings), chatty=True)
    calibration = (settings.temperature, settings.decline_below, settings.confidence)
    return figures(crossval.decide(held, labels, *calibration))


def _show_with_chat(name: str, s: Settings, f: Figures) -> None:
    _show(name, s, f)
    _show("  with chat", s, chatty_figures(s))


def _share(items, ok) -> float:
    return sum(1 for i in items if ok(i)) / len(items) if items else math.nan


if __name__ == "__main__":
    raise SystemExit(main())
