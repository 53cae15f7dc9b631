"""auditlake: container-host security logs to Parquet, SQL detections, investigation API."""

__version__ = "0.1.0"
