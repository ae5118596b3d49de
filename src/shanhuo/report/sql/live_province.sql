-- Live commerce by province (of the store): live sessions started in the window, paid orders
-- placed in a live room (live_session_id set) and their GMV, beside all paid orders.
-- (Per store from shared/store_facts.sql, sessions per anchor from shared/anchor_sessions.sql.)
WITH sessions AS (
  SELECT province_code, SUM(sessions) AS n
  FROM anchor_sessions
  GROUP BY province_code
),
sold AS (
  SELECT province_code,
         SUM(orders) AS orders,
         SUM(gmv_fen) AS gmv_fen,
         SUM(live_orders) AS live_orders,
         SUM(live_gmv_fen) AS live_gmv_fen
  FROM store_facts
  WHERE orders > 0
  GROUP BY province_code
)
SELECT p.province_code, p.province_name, p.macro_region,
       CAST(COALESCE(se.n, 0) AS BIGINT) AS live_sessions,
       CAST(COALESCE(so.live_orders, 0) AS BIGINT) AS live_orders,
       CAST(COALESCE(so.live_gmv_fen, 0) AS BIGINT) AS live_gmv_fen,
       CAST(COALESCE(so.orders, 0) AS BIGINT) AS orders,
       CAST(COALESCE(so.gmv_fen, 0) AS BIGINT) AS gmv_fen
FROM provinces p
LEFT JOIN sessions se ON se.province_code = p.province_code
LEFT JOIN sold so ON so.province_code = p.province_code
ORDER BY p.province_code
