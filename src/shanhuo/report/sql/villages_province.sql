-- E-commerce (Taobao) villages and towns by province, for the report year (annual inputs).
-- Village: annual sales ≥ ${village_min_sales_fen} fen (¥10 million) AND (active stores ≥
-- ${village_min_active_stores} OR active stores ≥ ${village_min_active_pct} % of households).
-- Town (township): at least ${town_min_villages} such villages.
WITH v AS (
  SELECT province_code, township_code,
         sales_fen >= ${village_min_sales_fen}
           AND (active_stores >= ${village_min_active_stores}
                OR active_stores * 100 >= households * ${village_min_active_pct}) AS qualifies
  FROM villages
  WHERE year = ${year}
),
towns AS (
  SELECT province_code, township_code, COUNT(*) AS n
  FROM v
  WHERE qualifies
  GROUP BY province_code, township_code
),
counted AS (
  SELECT province_code, COUNT(*) AS candidates, COUNT(*) FILTER (WHERE qualifies) AS villages
  FROM v
  GROUP BY province_code
),
town_counted AS (
  SELECT province_code, COUNT(*) AS towns
  FROM towns
  WHERE n >= ${town_min_villages}
  GROUP BY province_code
)
SELECT p.province_code, p.province_name, p.macro_region,
       COALESCE(c.candidates, 0) AS candidate_villages,
       COALESCE(c.villages, 0) AS ecommerce_villages,
       COALESCE(t.towns, 0) AS ecommerce_towns
FROM provinces p
LEFT JOIN counted c ON c.province_code = p.province_code
LEFT JOIN town_counted t ON t.province_code = p.province_code
ORDER BY p.province_code
