-- New entrepreneurs per whole local calendar year and macro-region (the trend chart).
-- (First stores per province and year: shared/first_stores.sql.)
SELECT p.macro_region, f.year, CAST(SUM(f.opened) AS BIGINT) AS new_entrepreneurs
FROM first_stores f
JOIN provinces p ON p.province_code = f.province_code
GROUP BY p.macro_region, f.year
ORDER BY p.macro_region, f.year
