-- Stores and active stores by province in the report window.
-- open_at_end: opened before the window's end and not closed by then.
-- active: open at least ${active_min_seconds} seconds (30 days) inside the window, and on
-- average at least one paid order per month open inside it, a month being 1/12 of the report
-- year (${year_seconds} seconds): orders × year_seconds ≥ seconds_open × 12.
-- (orders: the store's paid orders in the window, from shared/store_facts.sql.)
WITH st AS (
  SELECT province_code, closed_at, orders,
         unix_seconds(LEAST(COALESCE(closed_at, ${period_end}), ${period_end}))
           - unix_seconds(GREATEST(opened_at, ${period_start})) AS exposure_s
  FROM store_facts
  WHERE opened_at < ${period_end} AND (closed_at IS NULL OR closed_at > ${period_start})
),
flagged AS (
  SELECT province_code,
         closed_at IS NULL OR closed_at >= ${period_end} AS open_at_end,
         exposure_s >= ${active_min_seconds}
           AND orders * ${year_seconds} >= exposure_s * 12 AS active
  FROM st
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
