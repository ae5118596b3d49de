-- One row per store with what the store indicators need, joined once: its province; whether
-- it is a rural farm-products store (in a county-level unit whose name does not end in 区,
-- selling farm products: the new-farmer rule); when it was open; and its paid orders in the
-- report window and GMV in the financing base window (store_sales; 0 when none).
WITH rural_counties AS (
  SELECT DISTINCT code FROM regions WHERE level = 'county' AND name NOT LIKE '%区'
)
SELECT s.store_id, s.province_code, s.opened_at, s.closed_at,
       s.farm_products AND r.code IS NOT NULL AS rural_farm,
       COALESCE(o.orders, 0) AS orders,
       COALESCE(o.gmv_fen, 0) AS gmv_fen,
       COALESCE(o.live_orders, 0) AS live_orders,
       COALESCE(o.live_gmv_fen, 0) AS live_gmv_fen,
       COALESCE(o.base_gmv_fen, 0) AS base_gmv_fen
FROM stores s
LEFT JOIN rural_counties r ON r.code = s.county_code
LEFT JOIN store_sales o ON o.store_id = s.store_id
