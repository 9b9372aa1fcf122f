"""The policy as data and the clause lookup. Plain strings in, typed results out: no chat concepts."""
