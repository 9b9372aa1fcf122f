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


def test_crossval_folds_keep_each_situation_on_one_side():
    from bench.crossval import folds, groups
    from knowledge.features import Featurizer
    from knowledge.train import Example

    data = [
        Example("can i text a student from my cell", "3.5", "question"),
        Example("can i text a student from my cell phone", "3.5", "question"),  # near-twin
        Example("who covers lunch duty", "none", "question"),
        Example("is the AUP still in force", "1", "answer:aup"),
        Example("does the acceptable use policy apply", "1", "answer:aup"),
        Example("The AUP still applies.", "1", "answer:aup", question=False),
        Example("A policy sentence.", "3", "policy", question=False),
        *(Example(f"question number {n} about topic {n}", "3.9", "question") for n in range(8)),
    ]
    names = groups(data, Featurizer({}))
    assert names[0] == names[1] and names[3] == names[4] == names[5] and names[6] == "policy"
    tested = []
    for train, test in folds(data, Featurizer({})):
        assert not {names[i] for i in train} & {names[i] for i in test}
        assert 6 not in test  # policy text is knowledge: always trained on
        tested += test
    assert sorted(tested) == [i for i in range(len(data)) if i != 6]


def test_variants_are_deterministic_and_keep_the_labels():
    from bench.variants import OPENINGS, chatty, typos

    rows = [EvalRow("can I text a student from my personal phone", ("3.5",), "in")] * 3
    assert chatty(rows) == chatty(rows) and typos(rows) == typos(rows)
    assert all(r.q.startswith(OPENINGS) and r.clauses == ("3.5",) for r in chatty(rows))
    assert all(r.q != rows[0].q and len(r.q.split()) == 9 for r in typos(rows))


def test_blind_set_is_well_formed(policy):
    from bench.generalisation import BLIND

    rows = load_eval(BLIND)
    ids = {c.id for c in policy.clauses}
    assert all(set(r.clauses) <= ids and bool(r.clauses) == r.in_scope for r in rows)


def test_no_measuring_set_shares_a_question_with_the_knowledge(policy):
    """A measure, not a source: no curated question (nor a curated answer's) is word for word a
    question of dev or either blind set. Only a count is shown, so the sets stay unread."""
    from bench.evalset import DEFAULT_EVAL
    from bench.generalisation import BLIND, BLIND_STAFF
    from knowledge.curated import load_curated
    from knowledge.normalize import fold

    curated = load_curated(policy)
    known = {fold(q) for qs in curated.questions.values() for q in qs}
    known |= {fold(q) for a in curated.answers for q in a.questions}
    for path in (DEFAULT_EVAL, BLIND, BLIND_STAFF):
        shared = {fold(r.q) for r in load_eval(path)} & known
        assert not shared, f"{len(shared)} curated questions are in {path.name}: remove them"


def test_temperature_fit_finds_the_scale_of_overconfident_scores():
    from bench.crossval import HeldOut
    from bench.tune import fit_temperature

    labels = ["a", "b"]
    # the first class is right 3 times in 4 at a logit gap of 2 ln 3, which says 9 in 10:
    # too sure. Least log-loss: softmax(gap / T) = 3/4, so T = 2.
    gap = 2 * math.log(3)
    held = [HeldOut("", "a", (gap, 0.0))] * 3 + [HeldOut("", "b", (gap, 0.0))]
    assert fit_temperature(held, labels) == pytest.approx(2.0, abs=0.01)


def test_generalisation_lines_count_confident_answers_and_bin_them():
    from bench.generalisation import _line_rows, _reliability

    preds = [
        Ranked(("3.12",), 0.97),  # right, sure
        Ranked(("3.3",), 0.93),  # wrong, sure
        Ranked(("2",), 0.2, answered=False),  # out of scope, declined: right, not an answer
        Ranked(("3.8",), 0.6),  # right, unsure
    ]
    line = _line_rows(ROWS, preds)
    assert line.sure_n == 2 and line.sure_right == 0.5
    assert line.top1 == pytest.approx(2 / 3) and line.correct_decline == 1.0
    table = _reliability([("set", line)])
    assert "100.0 % of 1" in table.splitlines()[3]  # 0.50–0.70: the one unsure answer, right
    assert "0.0 % of 1" in table.splitlines()[-2] and "100.0 % of 1" in table.splitlines()[-1]
