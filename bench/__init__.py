"""`make bench`: quality and speed of the clause lookup next to two baselines, in one run.

Run as `python -m bench [--eval PATH] [--misses] [--reps N]`. Modules:

    evalset.py    read and validate the JSON Lines evaluation set
    systems.py    the three systems behind one `rank(question) -> Ranked` interface
    baselines.py  BM25 (rank-bm25) and naive rapidfuzz WRatio over the clause texts
    quality.py    the scoring rules of vendor/eval/README.md, and the threshold sweep
    speed.py      latency, build time, peak memory, `app.py ask` cold start
    report.py     the side-by-side table, targets, misses
    extras.py     optional extra sections (bench/slack_bench.py, bench/teams_bench.py)
"""
