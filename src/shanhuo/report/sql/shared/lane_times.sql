-- Delivered parcels per lane and local calendar year, with the payment → delivery seconds
-- summed exactly; and, for the parcels paid in the report window (${year}) and in the same
-- period two years earlier (${before_year}), their count, seconds and median seconds: the one
-- pass over the parcels, read by delivery_lanes and delivery_trend. Parcels not delivered are
-- left out. A lane is the UNORDERED pair of the sender's and the buyer's macro-regions, kept
-- as the pair of macro orders (low, high) until the end and named there (60 rows).
-- The years of neither window need only counts and sums, so their parcels are summed per
-- province pair first and given a lane afterwards; the two window years are taken row by row
-- (a median needs every value).
WITH other_years AS (
  SELECT origin_province_code, dest_province_code, CAST(year AS INTEGER) AS year,
         COUNT(*) AS parcels,
         SUM(unix_seconds(delivered_at) - unix_seconds(paid_at)) AS secs
  FROM parcels
  WHERE delivered_at IS NOT NULL AND year NOT IN (${year}, ${before_year})
  GROUP BY origin_province_code, dest_province_code, CAST(year AS INTEGER)
),
other_lanes AS (
  SELECT LEAST(o.macro_order, d.macro_order) AS low_order,
         GREATEST(o.macro_order, d.macro_order) AS high_order,
         y.year,
         SUM(y.parcels) AS parcels,
         SUM(y.secs) AS secs,
         CAST(0 AS BIGINT) AS window_parcels,
         CAST(NULL AS BIGINT) AS window_secs,
         CAST(NULL AS DOUBLE) AS window_median_secs
  FROM other_years y
  JOIN provinces o ON o.province_code = y.origin_province_code
  JOIN provinces d ON d.province_code = y.dest_province_code
  GROUP BY LEAST(o.macro_order, d.macro_order), GREATEST(o.macro_order, d.macro_order), y.year
),
window_years AS (
  SELECT LEAST(o.macro_order, d.macro_order) AS low_order,
         GREATEST(o.macro_order, d.macro_order) AS high_order,
         CAST(pa.year AS INTEGER) AS year,
         (pa.year = ${year} AND pa.paid_at >= ${period_start} AND pa.paid_at < ${period_end})
           OR (pa.year = ${before_year}
               AND pa.paid_at >= ${before_start} AND pa.paid_at < ${before_end}) AS in_window,
         unix_seconds(pa.delivered_at) - unix_seconds(pa.paid_at) AS secs
  FROM parcels pa
  JOIN provinces o ON o.province_code = pa.origin_province_code
  JOIN provinces d ON d.province_code = pa.dest_province_code
  WHERE pa.delivered_at IS NOT NULL AND pa.year IN (${year}, ${before_year})
),
window_lanes AS (
  SELECT low_order, high_order, year,
         COUNT(*) AS parcels,
         SUM(secs) AS secs,
         COUNT(*) FILTER (WHERE in_window) AS window_parcels,
         SUM(secs) FILTER (WHERE in_window) AS window_secs,
         median(CAST(secs AS DOUBLE)) FILTER (WHERE in_window) AS window_median_secs
  FROM window_years
  GROUP BY low_order, high_order, year
),
lanes_by_year AS (
  SELECT * FROM other_lanes
  UNION ALL
  SELECT * FROM window_lanes
)
SELECT concat(lo.macro_region, '-', hi.macro_region) AS lane, y.year,
       y.parcels, y.secs, y.window_parcels, y.window_secs, y.window_median_secs
FROM lanes_by_year y
JOIN macros lo ON lo.macro_order = y.low_order
JOIN macros hi ON hi.macro_order = y.high_order
