"""Report outputs: tables (CSV, Excel), standalone HTML with charts, PDF."""
