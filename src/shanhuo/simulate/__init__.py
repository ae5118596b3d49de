"""National multi-year simulation: a seeded dataset of stores, orders, live sessions, parcels and loans, written to Parquet (or the platform's tables)."""
