-- Financing used per small and medium merchant (SME), by macro-region, in the report window
-- and in the same calendar period of the base year ${fin_base_year}.
-- SME merchant: a store open at some time in the window whose paid GMV in the window is at
-- most ${sme_max_gmv_fen} fen. Financing used: loan amounts disbursed to those stores in the
-- window, whatever the loan's later outcome.
-- (A store's paid GMV in either window: gmv_fen and base_gmv_fen of shared/store_facts.sql.
-- When the base year is the report year, the base columns repeat the report window's.)
WITH sme AS (
  SELECT store_id, province_code, ${year} AS yr
  FROM store_facts
  WHERE opened_at < ${period_end} AND (closed_at IS NULL OR closed_at > ${period_start})
    AND gmv_fen <= ${sme_max_gmv_fen}
  UNION ALL
  SELECT store_id, province_code, ${fin_base_year} AS yr
  FROM store_facts
  WHERE ${fin_base_year} <> ${year}
    AND opened_at < ${fin_end} AND (closed_at IS NULL OR closed_at > ${fin_start})
    AND base_gmv_fen <= ${sme_max_gmv_fen}
),
lent AS (
  SELECT store_id,
         CASE WHEN year = ${year} AND disbursed_at >= ${period_start}
                AND disbursed_at < ${period_end} THEN ${year}
              ELSE ${fin_base_year} END AS yr,
         SUM(amount_fen) AS amount
  FROM loans
  WHERE (year = ${year} AND disbursed_at >= ${period_start} AND disbursed_at < ${period_end})
     OR (year = ${fin_base_year} AND disbursed_at >= ${fin_start} AND disbursed_at < ${fin_end})
  GROUP BY 1, 2
),
by_province AS (
  SELECT sme.province_code, sme.yr, COUNT(*) AS merchants,
         SUM(COALESCE(lent.amount, 0)) AS loan_fen
  FROM sme
  LEFT JOIN lent ON lent.store_id = sme.store_id AND lent.yr = sme.yr
  GROUP BY sme.province_code, sme.yr
),
per AS (
  SELECT p.macro_region, b.yr, SUM(b.merchants) AS merchants,
         CAST(SUM(b.loan_fen) AS BIGINT) AS loan_fen
  FROM by_province b
  JOIN provinces p ON p.province_code = b.province_code
  GROUP BY p.macro_region, b.yr
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
