-- Indicators of the exported grants, with their baseline.
with scope as (
    select grant_id from stg_grants
    where in_export(donor_id, $donor)
),

indicators as (
    select * from stg_indicators
),

final as (
    select indicators.*
    from indicators
    semi join scope using (grant_id)
)

select * from final
order by grant_id, indicator_id
