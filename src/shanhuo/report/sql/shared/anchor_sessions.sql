-- Live sessions started in the report window, per anchor and the store's province, split by
-- whether the store is a rural farm-products store (store_facts): the one pass over the live
-- sessions, read by anchors_province (distinct anchors) and live_province (session counts).
SELECT f.province_code, f.rural_farm, ls.anchor_id, COUNT(*) AS sessions
FROM live_sessions ls
JOIN store_facts f ON f.store_id = ls.store_id
WHERE ls.year = ${year} AND ls.started_at >= ${period_start} AND ls.started_at < ${period_end}
GROUP BY f.province_code, f.rural_farm, ls.anchor_id
