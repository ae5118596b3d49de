-- New entrepreneurs (新创业者) by province: people whose FIRST-EVER store opened in the
-- report window, against the same calendar period a year earlier. Growth is published only
-- when the base count is at least ${min_base}; ties share a rank (RANK(): 1, 2, 2, 4).
WITH cur AS (
  SELECT province_code, COUNT(*) AS n
  FROM stores
  WHERE first_store AND year = ${year}
    AND opened_at >= ${period_start} AND opened_at < ${period_end}
  GROUP BY province_code
),
base AS (
  SELECT province_code, COUNT(*) AS n
  FROM stores
  WHERE first_store AND year = ${base_year}
    AND opened_at >= ${base_start} AND opened_at < ${base_end}
  GROUP BY province_code
),
joined AS (
  SELECT p.province_code, p.province_name, p.macro_region,
         COALESCE(c.n, 0) AS current_count, COALESCE(b.n, 0) AS base_count
  FROM provinces p
  LEFT JOIN cur c ON c.province_code = p.province_code
  LEFT JOIN base b ON b.province_code = p.province_code
),
rated AS (
  SELECT *,
         base_count >= ${min_base} AND base_count > 0 AS eligible,
         CASE WHEN base_count >= ${min_base} AND base_count > 0
              THEN CAST(current_count - base_count AS DOUBLE) / base_count END AS growth
  FROM joined
)
SELECT province_code, province_name, macro_region, current_count, base_count, growth, eligible,
       CASE WHEN eligible THEN RANK() OVER (PARTITION BY eligible ORDER BY growth DESC) END
         AS growth_rank
FROM rated
ORDER BY province_code
