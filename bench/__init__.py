"""The benchmark of issue 7: ingest and detection speed against the limit and the peers.

A dev tool that lives in the repo and is not installed with auditlake: run it from the
repository root as `python -m bench` (or `make bench`). `python -m bench --help` lists
the options; the README explains what each column means.
"""
