-- The grants an export covers: every grant, or one donor's ($donor). Every standards_* query starts with it
-- (portfolio.sql() puts it first), so "which grants" is decided once.
with scope as (
    select grant_id from stg_grants
    where $donor::varchar is null or donor_id = $donor::varchar
),
