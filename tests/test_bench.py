"""The bench's scoring arithmetic on a tiny hand-made eval set (invented questions)."""

from __future__ import annotations

import json
import math

import pytest

from bench.__main__ import main as bench_main
from bench.evalset import EvalError, EvalRow, load_eval
from bench.quality import Ranked, score, sweep, with_threshold
from bench.speed import percentile

ROWS = [
    EvalRow("may I wear my school lanyard on tiktok", ("3.12",), "in"),
    EvalRow("dm a pupil about homework?", ("3.5", "3.4"), "in"),
    EvalRow("whos covering lunch duty friday", (), "out"),
    EvalRow("can the union newsletter go on my blog", ("3.8",), "in"),
]


def test_metrics_count_declines_as_misses():
    preds = [
        Ranked(("3.12", "3.3"), 0.9),  # right first
        Ranked(("3.3", "3.4", "3.5"), 0.7),  # right only in the top 3
        Ranked(("2",), 0.2, answered=False),  # out of scope, declined: correct
        Ranked(("3.8",), 0.3, answered=False),  # right clause, but declined: false decline
    ]
    q = score(ROWS, preds)
    assert (q.n_in, q.n_out) == (3, 1)
    assert q.top1 == pytest.approx(1 / 3)
    assert q.top3 == pytest.approx(2 / 3)
    assert q.correct_decline == 1.0
    assert q.false_decline == pytest.approx(1 / 3)
    assert q.objective == pytest.approx((1 + 1 / 3) / 2)


def test_answering_out_of_scope_is_not_a_correct_decline():
    preds = [Ranked(("3.12",), 1.0)] * 4
    q = score(ROWS, preds)
    assert q.correct_decline == 0.0
    assert q.false_decline == 0.0
    assert q.top1 == pytest.approx(1 / 3)


def test_sweep_picks_threshold_maximising_decline_plus_top1():
    raw = [
        Ranked(("3.12",), 5.0),
        Ranked(("3.5",), 4.0),
        Ranked(("1",), 2.0),
        Ranked(("3.8",), 3.0),
    ]
    threshold, best = sweep(ROWS, raw)
    assert threshold == 3.0  # declines only the out-of-scope question (score 2.0)
    assert (best.top1, best.correct_decline, best.false_decline) == (1.0, 1.0, 0.0)
    assert [p.answered for p in with_threshold(raw, threshold)] == [True, True, False, True]


def test_sweep_may_decline_everything_when_ranking_is_useless():
    # the out-of-scope question scores highest: no threshold separates it, so decline all
    raw = [Ranked(("1",), 50.0), Ranked(("1",), 40.0), Ranked(("1",), 60.0), Ranked(("1",), 55.0)]
    threshold, best = sweep(ROWS, raw)
    assert math.isinf(threshold) and best.correct_decline == 1.0 and best.top1 == 0.0


def test_no_out_of_scope_rows_gives_nan_not_zero():
    q = score(ROWS[:2], [Ranked(("3.12",), 1.0), Ranked(("3.4",), 1.0)])
    assert q.top1 == 1.0 and math.isnan(q.correct_decline)


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))
    assert percentile(samples, 50) == 50 and percentile(samples, 99) == 99
    assert percentile([7.0], 99) == 7.0


def test_load_eval_validates(tmp_path):
    good = tmp_path / "tiny.jsonl"
    good.write_text(json.dumps({"q": "x", "clauses": ["2"], "kind": "in"}) + "\n\n")
    assert load_eval(good) == [EvalRow("x", ("2",), "in")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"q": "x", "clauses": [], "kind": "in"}) + "\n")
    with pytest.raises(EvalError, match="line 1"):
        load_eval(bad)


def test_missing_eval_set_exits_with_message(tmp_path, capsys):
    assert bench_main(["--eval", str(tmp_path / "nope.jsonl")]) == 2
    assert "evaluation set not found" in capsys.readouterr().err


def test_crossval_holds_out_every_question_once_and_never_trains_on_it():
    from bench.crossval import _folds
    from knowledge.curated import Curated

    questions = {"3.5": tuple(f"q{i}" for i in range(7)), "none": ("a", "b", "c")}
    seen = []
    for train, held_out in _folds(Curated(questions=questions, synonyms={}, answers=())):
        for clause_id, question in held_out:
            assert question not in train[clause_id]
        seen += held_out
    assert sorted(seen) == sorted((c, q) for c, qs in questions.items() for q in qs)


def test_blind_set_is_well_formed_and_shares_no_question_with_the_knowledge(policy):
    from bench.blindset import BLIND_SET
    from knowledge.curated import load_curated
    from knowledge.normalize import fold

    rows = load_eval(BLIND_SET)
    ids = {c.id for c in policy.clauses}
    assert all(set(r.clauses) <= ids and bool(r.clauses) == r.in_scope for r in rows)
    curated = load_curated(policy)
    known = {fold(q) for qs in curated.questions.values() for q in qs}
    assert not {fold(r.q) for r in rows} & known  # a measure, not a source


def test_calibration_fit_recovers_the_direction_of_the_evidence():
    import numpy as np

    from bench.calibrate import _fit

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(400, 3))
    y = ((2 * x[:, 0] - x[:, 2]) > 0.5).astype(float)  # feature 1 is noise
    weights, bias = _fit(x, y)
    assert weights[0] > 0 > weights[2]
    assert abs(weights[1]) < min(abs(weights[0]), abs(weights[2])) / 3
    predicted = (x @ np.array(weights) + bias) > 0
    assert (predicted == y.astype(bool)).mean() > 0.95
