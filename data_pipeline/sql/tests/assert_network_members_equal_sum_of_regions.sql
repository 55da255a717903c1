-- The network's member count is the sum of its regions' in every period.
with regions as (
    select
        grain,
        period_start,
        sum(members) as members
    from kpi_by_period
    where region <> 'All regions'
    group by grain, period_start
),

network as (
    select
        grain,
        period_start,
        members
    from kpi_by_period
    where region = 'All regions'
),

final as (
    select
        network.*,
        regions.members as sum_of_regions
    from network
    join regions using (grain, period_start)
    where network.members <> regions.members
)

select * from final
