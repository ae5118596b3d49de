-- Paid orders per store in the report window, and its paid GMV in the financing base window
-- (the same calendar period of ${fin_base_year}): the one pass over the orders. Read through
-- store_facts by stores_province (orders per store), live_province (orders, GMV, live-room
-- orders and their GMV) and financing_macro (GMV in either window, for the SME rule). An
-- order counts in a window when it was paid in it (and lies in that year's partition).
SELECT store_id,
       COUNT(*) FILTER (WHERE in_period) AS orders,
       CAST(COALESCE(SUM(total_fen) FILTER (WHERE in_period), 0) AS BIGINT) AS gmv_fen,
       COUNT(*) FILTER (WHERE in_period AND live_session_id IS NOT NULL) AS live_orders,
       CAST(COALESCE(SUM(total_fen) FILTER (WHERE in_period AND live_session_id IS NOT NULL), 0)
         AS BIGINT) AS live_gmv_fen,
       CAST(COALESCE(SUM(total_fen) FILTER (WHERE in_fin_base), 0) AS BIGINT) AS base_gmv_fen
FROM (
  SELECT store_id, total_fen, live_session_id,
         year = ${year} AND paid_at >= ${period_start} AND paid_at < ${period_end} AS in_period,
         year = ${fin_base_year} AND paid_at >= ${fin_start} AND paid_at < ${fin_end}
           AS in_fin_base
  FROM orders
  WHERE year IN (${year}, ${fin_base_year})
) o
WHERE in_period OR in_fin_base
GROUP BY store_id
