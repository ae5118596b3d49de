-- Parcel delivery time (payment → delivery, hours) by lane, in the report window and in the
-- same calendar period two years earlier. A lane is the UNORDERED pair of the sender's and
-- the buyer's macro-regions (east-west counts parcels in both directions). Parcels not
-- delivered are left out. Averages are computed from whole seconds summed exactly.
-- (Per lane and year, from shared/lane_times.sql: the window's parcels, seconds and median.)
WITH agg AS (
  SELECT lane, year = ${year} AS is_current, window_parcels AS parcels,
         CAST(window_secs AS DOUBLE) / window_parcels / 3600 AS avg_hours,
         window_median_secs / 3600 AS median_hours
  FROM lane_times
  WHERE year IN (${year}, ${before_year}) AND window_parcels > 0
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
