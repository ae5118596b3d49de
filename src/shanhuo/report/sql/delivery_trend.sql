-- Average delivery hours per lane and whole local calendar year (the lanes trend chart).
WITH p AS (
  SELECT CASE WHEN o.macro_order <= d.macro_order
              THEN concat(o.macro_region, '-', d.macro_region)
              ELSE concat(d.macro_region, '-', o.macro_region) END AS lane,
         CAST(pa.year AS INTEGER) AS year,
         unix_seconds(pa.delivered_at) - unix_seconds(pa.paid_at) AS secs
  FROM parcels pa
  JOIN provinces o ON o.province_code = pa.origin_province_code
  JOIN provinces d ON d.province_code = pa.dest_province_code
  WHERE pa.delivered_at IS NOT NULL
)
SELECT lane, year, COUNT(*) AS parcels, CAST(SUM(secs) AS DOUBLE) / COUNT(*) / 3600 AS avg_hours
FROM p
GROUP BY lane, year
ORDER BY lane, year
