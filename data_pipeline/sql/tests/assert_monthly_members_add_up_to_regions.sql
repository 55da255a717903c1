-- Splitting membership_monthly by `confidential` loses no member: its rows, confidential ones included, add up
-- to each region's members in kpi_by_period every month.
with by_region as (
    select
        month as period_start,
        region,
        sum(members) as members
    from membership_monthly
    group by all
),

regions as (
    select
        period_start,
        region,
        members
    from kpi_by_period
    where grain = 'month' and region <> 'All regions'
),

final as (
    select
        regions.period_start,
        regions.region,
        regions.members,
        by_region.members as sum_of_rows
    from regions
    full join by_region using (period_start, region)
    where coalesce(regions.members, 0) <> coalesce(by_region.members, 0)
)

select * from final
