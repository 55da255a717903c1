-- Indicators with their defaults filled in once, here: `direction` from `ascending` when the file leaves it
-- empty (files made before the column existed), `aggregation` by measure (a percentage is a level, a count of
-- units a total to date), and range bounds only for range indicators, lowest first.
with indicators as (
    select * from typed_indicators
),

defaults as (
    select
        *,
        coalesce(direction, case when ascending then 'higher' else 'lower' end) as judged_direction
    from indicators
),

final as (
    select
        indicator_id,
        grant_id,
        title,
        scn_mask_confidential(title) as title_public,
        result_type,
        measure,
        judged_direction as direction,
        case when judged_direction = 'range' then least(range_low, range_high) end as range_low,
        case when judged_direction = 'range' then greatest(range_low, range_high) end as range_high,
        nullif(trim(unit), '') as unit,
        coalesce(aggregation, case measure when 'percentage' then 'latest' else 'cumulative' end) as aggregation,
        baseline_value,
        baseline_year
    from defaults
)

select * from final
