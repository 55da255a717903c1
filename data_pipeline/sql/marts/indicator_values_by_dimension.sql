-- Disaggregated indicator values (e.g. sex = female), kept apart from the totals.
with vals as (
    select * from stg_indicator_values
),

final as (
    select indicator_id, period_end, kind, dimension, dimension_value, value
    from vals
    where dimension is not null
)

select * from final
