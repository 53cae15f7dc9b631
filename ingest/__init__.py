"""Ingest: files -> the lake's Parquet dataset, incremental and exactly once."""
