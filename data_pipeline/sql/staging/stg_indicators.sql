with indicators as (
    select * from typed_indicators
),

final as (
    select
        indicator_id,
        grant_id,
        title,
        result_type,
        measure,
        ascending,
        baseline_value,
        baseline_year
    from indicators
)

select * from final
