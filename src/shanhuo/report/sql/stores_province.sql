-- Stores and active stores by province in the report window.
-- open_at_end: opened before the window's end and not closed by then.
-- active: open at least ${active_min_seconds} seconds (30 days) inside the window, and on
-- average at least one paid order per month open inside it, a month being 1/12 of the report
-- year (${year_seconds} seconds): orders × year_seconds ≥ seconds_open × 12.
WITH st AS (
  SELECT store_id, province_code, closed_at,
         unix_seconds(LEAST(COALESCE(closed_at, ${period_end}), ${period_end}))
           - unix_seconds(GREATEST(opened_at, ${period_start})) AS exposure_s
  FROM stores
  WHERE opened_at < ${period_end} AND (closed_at IS NULL OR closed_at > ${period_start})
),
ord AS (
  SELECT store_id, COUNT(*) AS n
  FROM orders
  WHERE year = ${year} AND paid_at >= ${period_start} AND paid_at < ${period_end}
  GROUP BY store_id
),
flagged AS (
  SELECT st.province_code,
         st.closed_at IS NULL OR st.closed_at >= ${period_end} AS open_at_end,
         st.exposure_s >= ${active_min_seconds}
           AND COALESCE(ord.n, 0) * ${year_seconds} >= st.exposure_s * 12 AS active
  FROM st
  LEFT JOIN ord ON ord.store_id = st.store_id
),
counted AS (
  SELECT province_code,
         COUNT(*) AS stores_in_period,
         COUNT(*) FILTER (WHERE open_at_end) AS stores_open_at_end,
         COUNT(*) FILTER (WHERE active) AS active_stores
  FROM flagged
  GROUP BY province_code
)
SELECT p.province_code, p.province_name, p.macro_region,
       COALESCE(c.stores_in_period, 0) AS stores_in_period,
       COALESCE(c.stores_open_at_end, 0) AS stores_open_at_end,
       COALESCE(c.active_stores, 0) AS active_stores
FROM provinces p
LEFT JOIN counted c ON c.province_code = p.province_code
ORDER BY p.province_code
