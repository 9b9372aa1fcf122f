"""`make bench`: quality and speed of the clause lookup next to two baselines, in one run.

Run as `python -m bench [--eval PATH] [--misses] [--reps N]`. Modules:

    evalset.py         read and validate the JSON Lines evaluation set
    systems.py         the systems behind one `rank(question) -> Ranked` interface
    baselines.py       BM25 (rank-bm25) and naive rapidfuzz WRatio over the clause texts
    legacy.py          the previous lookup, kept only as a baseline
    quality.py         the scoring rules of vendor/eval/README.md, and the threshold sweep
    speed.py           latency, build time, peak memory, model load, `app.py ask` cold start
    report.py          the side-by-side table, targets, misses
    crossval.py        grouped cross-validation on the curated questions
    tune.py            `python -m bench.tune`: the ranker's settings, chosen by cross-validation
    variants.py        chatty-opening and typo copies of an eval set
    generalisation.py  CV, dev and blind sets side by side; the confidence's reliability
    extras.py          the serving sections (bench/slack_bench.py, bench/hostile_bench.py)
"""
