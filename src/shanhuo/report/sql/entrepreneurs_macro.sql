-- New entrepreneurs by NBS macro-region, same window and minimum-base rule as by province.
WITH counted AS (
  SELECT p.macro_region,
         COUNT(*) FILTER (WHERE s.year = ${year}
           AND s.opened_at >= ${period_start} AND s.opened_at < ${period_end}) AS current_count,
         COUNT(*) FILTER (WHERE s.year = ${base_year}
           AND s.opened_at >= ${base_start} AND s.opened_at < ${base_end}) AS base_count
  FROM stores s
  JOIN provinces p ON p.province_code = s.province_code
  WHERE s.first_store AND s.year IN (${year}, ${base_year})
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
