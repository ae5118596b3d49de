-- New entrepreneurs by NBS macro-region, same window and minimum-base rule as by province.
-- (First stores opened in either window, per province: shared/first_stores.sql.)
WITH counted AS (
  SELECT p.macro_region,
         CAST(SUM(f.opened_in_period) AS BIGINT) AS current_count,
         CAST(SUM(f.opened_in_base) AS BIGINT) AS base_count
  FROM first_stores f
  JOIN provinces p ON p.province_code = f.province_code
  WHERE f.year IN (${year}, ${base_year})
  GROUP BY p.macro_region
)
SELECT m.macro_region, m.macro_name, m.macro_order,
       COALESCE(c.current_count, 0) AS current_count,
       COALESCE(c.base_count, 0) AS base_count,
       CASE WHEN c.base_count >= ${min_base} AND c.base_count > 0
            THEN CAST(c.current_count - c.base_count AS DOUBLE) / c.base_count END AS growth
FROM macros m
LEFT JOIN counted c ON c.macro_region = m.macro_region
ORDER BY m.macro_order
