-- Financing used per small and medium merchant (SME), by macro-region, in the report window
-- and in the same calendar period of the base year ${fin_base_year}.
-- SME merchant: a store open at some time in the window whose paid GMV in the window is at
-- most ${sme_max_gmv_fen} fen. Financing used: loan amounts disbursed to those stores in the
-- window, whatever the loan's later outcome.
WITH windows AS (
  SELECT ${year} AS yr, ${period_start} AS ws, ${period_end} AS we
  UNION ALL
  SELECT ${fin_base_year} AS yr, ${fin_start} AS ws, ${fin_end} AS we
),
gmv AS (
  SELECT o.store_id, w.yr, SUM(o.total_fen) AS gmv
  FROM orders o
  JOIN windows w ON o.year = w.yr AND o.paid_at >= w.ws AND o.paid_at < w.we
  GROUP BY o.store_id, w.yr
),
merchants AS (
  SELECT s.store_id, s.province_code, w.yr
  FROM stores s
  CROSS JOIN windows w
  WHERE s.opened_at < w.we AND (s.closed_at IS NULL OR s.closed_at > w.ws)
),
sme AS (
  SELECT m.store_id, m.province_code, m.yr
  FROM merchants m
  LEFT JOIN gmv g ON g.store_id = m.store_id AND g.yr = m.yr
  WHERE COALESCE(g.gmv, 0) <= ${sme_max_gmv_fen}
),
lent AS (
  SELECT l.store_id, w.yr, SUM(l.amount_fen) AS amount
  FROM loans l
  JOIN windows w ON l.year = w.yr AND l.disbursed_at >= w.ws AND l.disbursed_at < w.we
  GROUP BY l.store_id, w.yr
),
per AS (
  SELECT p.macro_region, sme.yr, COUNT(*) AS merchants,
         CAST(SUM(COALESCE(lent.amount, 0)) AS BIGINT) AS loan_fen
  FROM sme
  JOIN provinces p ON p.province_code = sme.province_code
  LEFT JOIN lent ON lent.store_id = sme.store_id AND lent.yr = sme.yr
  GROUP BY p.macro_region, sme.yr
)
SELECT m.macro_region, m.macro_name, m.macro_order,
       COALESCE(c.merchants, 0) AS sme_merchants,
       COALESCE(c.loan_fen, 0) AS loan_fen,
       CASE WHEN c.merchants > 0 THEN CAST(c.loan_fen AS DOUBLE) / c.merchants END
         AS per_merchant_fen,
       COALESCE(b.merchants, 0) AS base_sme_merchants,
       COALESCE(b.loan_fen, 0) AS base_loan_fen,
       CASE WHEN b.merchants > 0 THEN CAST(b.loan_fen AS DOUBLE) / b.merchants END
         AS base_per_merchant_fen
FROM macros m
LEFT JOIN per c ON c.macro_region = m.macro_region AND c.yr = ${year}
LEFT JOIN per b ON b.macro_region = m.macro_region AND b.yr = ${fin_base_year}
ORDER BY m.macro_order
