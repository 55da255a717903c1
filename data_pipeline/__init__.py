"""SCN data pipeline: source files in, a validated DuckDB analytics store out."""

__version__ = "0.1.0"
