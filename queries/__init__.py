"""Queries: the views, the detections and hunts, and the code that loads and runs them."""
