with vals as (
    select * from typed_indicator_values
),

final as (
    select
        indicator_id,
        period_start,
        period_end,
        kind,
        value,
        dimension,
        dimension_value
    from vals
)

select * from final
