-- New-farmer anchors (新农人主播) by province: distinct anchors who held at least one live
-- session in the window for a store that is in a rural county (a county whose name does not
-- end in 区) and sells farm products (any category but crafts and other). An anchor is
-- counted in the province of the store they streamed for. Ties share a rank.
-- (Sessions per anchor and store province from shared/anchor_sessions.sql; rural_farm is the
-- rule above, worked out per store in shared/store_facts.sql.)
WITH farm AS (
  SELECT DISTINCT province_code, anchor_id FROM anchor_sessions WHERE rural_farm
),
allanchors AS (
  SELECT DISTINCT province_code, anchor_id FROM anchor_sessions
),
farm_counted AS (
  SELECT province_code, COUNT(*) AS n FROM farm GROUP BY province_code
),
all_counted AS (
  SELECT province_code, COUNT(*) AS n FROM allanchors GROUP BY province_code
),
counted AS (
  SELECT p.province_code, p.province_name, p.macro_region,
         COALESCE(f.n, 0) AS new_farmer_anchors, COALESCE(a.n, 0) AS all_anchors
  FROM provinces p
  LEFT JOIN farm_counted f ON f.province_code = p.province_code
  LEFT JOIN all_counted a ON a.province_code = p.province_code
)
SELECT province_code, province_name, macro_region, new_farmer_anchors, all_anchors,
       RANK() OVER (ORDER BY new_farmer_anchors DESC) AS anchor_rank
FROM counted
ORDER BY province_code
