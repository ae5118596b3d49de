-- Parcel delivery time (payment → delivery, hours) by lane, in the report window and in the
-- same calendar period two years earlier. A lane is the UNORDERED pair of the sender's and
-- the buyer's macro-regions (east-west counts parcels in both directions). Parcels not
-- delivered are left out. Averages are computed from whole seconds summed exactly.
WITH p AS (
  SELECT CASE WHEN o.macro_order <= d.macro_order
              THEN concat(o.macro_region, '-', d.macro_region)
              ELSE concat(d.macro_region, '-', o.macro_region) END AS lane,
         pa.year = ${year} AS is_current,
         unix_seconds(pa.delivered_at) - unix_seconds(pa.paid_at) AS secs
  FROM parcels pa
  JOIN provinces o ON o.province_code = pa.origin_province_code
  JOIN provinces d ON d.province_code = pa.dest_province_code
  WHERE pa.delivered_at IS NOT NULL
    AND ((pa.year = ${year} AND pa.paid_at >= ${period_start} AND pa.paid_at < ${period_end})
      OR (pa.year = ${before_year} AND pa.paid_at >= ${before_start} AND pa.paid_at < ${before_end}))
),
agg AS (
  SELECT lane, is_current, COUNT(*) AS parcels,
         CAST(SUM(secs) AS DOUBLE) / COUNT(*) / 3600 AS avg_hours,
         median(CAST(secs AS DOUBLE)) / 3600 AS median_hours
  FROM p
  GROUP BY lane, is_current
)
SELECT l.lane, l.lane_order,
       COALESCE(c.parcels, 0) AS parcels, c.avg_hours, c.median_hours,
       COALESCE(b.parcels, 0) AS parcels_before, b.avg_hours AS avg_hours_before,
       b.median_hours AS median_hours_before,
       c.avg_hours - b.avg_hours AS avg_change_hours
FROM lanes l
LEFT JOIN agg c ON c.lane = l.lane AND c.is_current
LEFT JOIN agg b ON b.lane = l.lane AND NOT b.is_current
ORDER BY l.lane_order
