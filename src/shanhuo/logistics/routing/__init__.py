"""Daily routes: the pure routing problem and its PyVRP solver (``solver``), the county-day
problem built from the database (``build``) and plans stored, published and re-planned
(``service``)."""
