-- New entrepreneurs' first-ever stores counted per province and local opening year, with how
-- many of them opened in the report window and in the same calendar period a year earlier:
-- the one pass over the stores for entrepreneurs_province, _macro and _trend.
SELECT province_code, CAST(year AS INTEGER) AS year,
       COUNT(*) AS opened,
       COUNT(*) FILTER (WHERE year = ${year}
         AND opened_at >= ${period_start} AND opened_at < ${period_end}) AS opened_in_period,
       COUNT(*) FILTER (WHERE year = ${base_year}
         AND opened_at >= ${base_start} AND opened_at < ${base_end}) AS opened_in_base
FROM stores
WHERE first_store
GROUP BY province_code, CAST(year AS INTEGER)
