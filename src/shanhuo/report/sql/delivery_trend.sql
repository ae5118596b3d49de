-- Average delivery hours per lane and whole local calendar year (the lanes trend chart).
-- (Per lane and year, from shared/lane_times.sql: all delivered parcels, seconds summed.)
SELECT lane, year, parcels, CAST(secs AS DOUBLE) / parcels / 3600 AS avg_hours
FROM lane_times
ORDER BY lane, year
