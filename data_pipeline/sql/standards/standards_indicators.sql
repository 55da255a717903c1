-- Indicators of the published grants, with their baseline.
with indicators as (
    select * from stg_indicators
),

grants as (
    select grant_id from stg_grants
    where $donor::varchar is null or donor_id = $donor::varchar
),

final as (
    select indicators.*
    from indicators
    semi join grants using (grant_id)
)

select * from final order by grant_id, indicator_id
