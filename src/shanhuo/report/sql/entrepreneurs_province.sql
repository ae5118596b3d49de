-- New entrepreneurs (新创业者) by province: people whose FIRST-EVER store opened in the
-- report window, against the same calendar period a year earlier. Growth is published only
-- when the base count is at least ${min_base}; ties share a rank (RANK(): 1, 2, 2, 4).
-- (First stores opened in either window, per province: shared/first_stores.sql.)
WITH counted AS (
  SELECT province_code, SUM(opened_in_period) AS n_current, SUM(opened_in_base) AS n_base
  FROM first_stores
  WHERE year IN (${year}, ${base_year})
  GROUP BY province_code
),
joined AS (
  SELECT p.province_code, p.province_name, p.macro_region,
         CAST(COALESCE(c.n_current, 0) AS BIGINT) AS current_count,
         CAST(COALESCE(c.n_base, 0) AS BIGINT) AS base_count
  FROM provinces p
  LEFT JOIN counted c ON c.province_code = p.province_code
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
