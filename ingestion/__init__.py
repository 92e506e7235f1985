"""Ingestion: landing files (per region, plus partner-level) -> the typed, deduplicated Parquet lake."""

from ingestion.run import ingest_partner, ingest_region

__all__ = ["ingest_partner", "ingest_region"]
