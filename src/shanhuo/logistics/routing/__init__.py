"""Daily routes: the pure routing problem and its PyVRP solver (``solver``), the county-day
problem built from the database (``build``), plans built and re-planned (``service``, the entry
point), read back (``queries``), published with their deadline alerts (``publishing``), driven
(``driving``) and edited by hand (``edits``)."""
