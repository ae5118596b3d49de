"""Regional development report: indicators with published definitions, computed on DuckDB (and Spark), as pages, HTML, PDF, CSV and Excel. Nothing imports it."""
