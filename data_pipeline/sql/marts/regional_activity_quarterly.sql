-- Activity of each region per quarter, every quarter from the network's launch present (zeros included).
with params as (
    select as_of from build_params
),

quarters as (
    select period_start as quarter
    from date_spine('quarter', (select min(joined_on) from stg_cities), (select as_of from params))
),

spine as (
    select
        ref_regions.region,
        quarters.quarter
    from ref_regions
    cross join quarters
),

events as (
    select
        e.region,
        e.quarter,
        count(*) as events
    from fct_events as e, params
    where e.region is not null and e.start_date <= params.as_of  -- planned events are not activity yet
    group by e.region, e.quarter
),

-- attendances and hours added up from attendance_by_event (a fifth of fct_attendance's rows); distinct people
-- are not additive and were counted per region and quarter by kpi_by_period already
reach as (
    select
        region,
        quarter,
        sum(attendances) as attendances,
        sum(participant_hours) as participant_hours
    from attendance_by_event
    where region is not null
    group by region, quarter
),

people as (
    select
        region,
        period_start as quarter,
        unique_participants
    from kpi_by_period
    where grain = 'quarter'
),

joins as (
    select
        region,
        period_start('quarter', joined_on) as quarter,
        count(*) as joins
    from stg_cities
    group by all
),

awards as (
    select
        region,
        period_start('quarter', award_date) as quarter,
        sum(awarded_usd) as awarded_usd
    from stg_grants
    where region is not null
    group by all
),

final as (
    select
        spine.region,
        spine.quarter,
        coalesce(events.events, 0) as events,
        coalesce(reach.attendances, 0) as attendances,
        coalesce(people.unique_participants, 0) as unique_participants,
        coalesce(reach.participant_hours, 0) as participant_hours,
        coalesce(joins.joins, 0) as joins,
        coalesce(awards.awarded_usd, 0) as awarded_usd
    from spine
    left join events using (region, quarter)
    left join reach using (region, quarter)
    left join people using (region, quarter)
    left join joins using (region, quarter)
    left join awards using (region, quarter)
)

select * from final
