"""The benchmark: a deterministic organization-size data generator (generate.py) and the harness
that measures Cadence over HTTP against it (docs/scaling.md)."""
