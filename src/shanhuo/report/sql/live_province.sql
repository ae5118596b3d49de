-- Live commerce by province (of the store): live sessions started in the window, paid orders
-- placed in a live room (live_session_id set) and their GMV, beside all paid orders.
WITH sessions AS (
  SELECT s.province_code, COUNT(*) AS n
  FROM live_sessions ls
  JOIN stores s ON s.store_id = ls.store_id
  WHERE ls.year = ${year} AND ls.started_at >= ${period_start} AND ls.started_at < ${period_end}
  GROUP BY s.province_code
),
sold AS (
  SELECT s.province_code,
         COUNT(*) AS orders,
         CAST(SUM(o.total_fen) AS BIGINT) AS gmv_fen,
         COUNT(*) FILTER (WHERE o.live_session_id IS NOT NULL) AS live_orders,
         CAST(COALESCE(SUM(o.total_fen) FILTER (WHERE o.live_session_id IS NOT NULL), 0) AS BIGINT)
           AS live_gmv_fen
  FROM orders o
  JOIN stores s ON s.store_id = o.store_id
  WHERE o.year = ${year} AND o.paid_at >= ${period_start} AND o.paid_at < ${period_end}
  GROUP BY s.province_code
)
SELECT p.province_code, p.province_name, p.macro_region,
       COALESCE(se.n, 0) AS live_sessions,
       COALESCE(so.live_orders, 0) AS live_orders,
       COALESCE(so.live_gmv_fen, 0) AS live_gmv_fen,
       COALESCE(so.orders, 0) AS orders,
       COALESCE(so.gmv_fen, 0) AS gmv_fen
FROM provinces p
LEFT JOIN sessions se ON se.province_code = p.province_code
LEFT JOIN sold so ON so.province_code = p.province_code
ORDER BY p.province_code
