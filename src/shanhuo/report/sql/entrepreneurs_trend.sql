-- New entrepreneurs per whole local calendar year and macro-region (the trend chart).
SELECT p.macro_region, CAST(s.year AS INTEGER) AS year, COUNT(*) AS new_entrepreneurs
FROM stores s
JOIN provinces p ON p.province_code = s.province_code
WHERE s.first_store
GROUP BY p.macro_region, CAST(s.year AS INTEGER)
ORDER BY p.macro_region, year
