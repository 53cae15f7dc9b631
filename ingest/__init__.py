"""Ingest: files -> the lake's Parquet dataset, incremental and exactly once.

discover (which files, which host) -> plan (identity by content, start offset, format,
finality) -> worker (readers: decompress, or export binary journals via journal_file,
and cut whole lines; the parser; writer: Arrow batches -> staged parts) -> pipeline
(lock, clean up, one atomic publication of parts and checkpoints). verify proves the
accounting; compact merges small parts.
"""
