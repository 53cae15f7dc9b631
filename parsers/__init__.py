"""Parsers: bytes -> records -> events -> rows, one module per source (see base.py)."""
