"""Data import: sniffing, readers for CSV/TSV, Parquet, JSON/NDJSON and XLSX, provenance."""
