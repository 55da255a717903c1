with indicators as (
    select * from typed_indicators
),

final as (
    select
        indicator_id,
        grant_id,
        title,
        scn_mask_confidential(title) as title_public,
        result_type,
        measure,
        ascending,
        baseline_value,
        baseline_year
    from indicators
)

select * from final
