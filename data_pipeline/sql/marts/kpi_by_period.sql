-- The headline KPIs per month, quarter and year, for each region and for the whole network
-- ('All regions', which also counts activity with no region, such as global webinars).
-- Unique participants are counted per period, so they are not summed across periods. Grouping sets
-- leave the region NULL on the network-wide rows, which the joins below read as 'All regions'.
with params as (
    select as_of from build_params
),

grains as (
    select unnest(['month', 'quarter', 'year']) as grain
),

periods as (
    select distinct
        grains.grain,
        cast(date_trunc(grains.grain, cast(day as date)) as date) as period_start
    from grains
    cross join params
    cross join range(
        cast((select min(joined_on) from stg_cities) as timestamp),
        params.as_of + interval 1 day,
        interval 1 month
    ) as spine(day)
),

spine as (
    select
        periods.grain,
        periods.period_start,
        least(
            cast(periods.period_start + case periods.grain
                when 'month' then interval 1 month
                when 'quarter' then interval 3 month
                else interval 1 year end - interval 1 day as date),
            params.as_of
        ) as period_end,
        regions.region
    from periods
    cross join params
    cross join (select region from ref_regions union all select 'All regions') as regions
),

membership as (
    select
        spine.grain,
        spine.period_start,
        spine.region,
        count(c.city_id) filter (
            where c.joined_on <= spine.period_end and (c.left_on is null or c.left_on > spine.period_end)
        ) as members,
        count(c.city_id) filter (where c.joined_on between spine.period_start and spine.period_end) as joins,
        count(c.city_id) filter (where c.left_on between spine.period_start and spine.period_end) as exits
    from spine
    left join stg_cities as c on spine.region in (c.region, 'All regions')
    group by all
),

events as (
    select grains.grain, cast(date_trunc(grains.grain, e.start_date) as date) as period_start,
        coalesce(e.region, 'No region') as region, count(*) as events
    from fct_events as e, grains, params
    where e.start_date <= params.as_of  -- planned events are not activity yet
    group by grouping sets ((1, 2, 3), (1, 2))
),

reach as (
    select
        grains.grain,
        cast(date_trunc(grains.grain, a.start_date) as date) as period_start,
        coalesce(a.region, 'No region') as region,
        count(distinct a.participant_id) as unique_participants,
        sum(a.hours) as participant_hours,
        count(distinct a.participant_id) filter (where a.gender = 'female')
            / nullif(count(distinct a.participant_id) filter (where a.gender in ('female', 'male', 'non-binary')), 0)
            as women_share,
        count_if(a.completed) / count(*) as completion_rate,
        avg(a.post_score - a.pre_score) as knowledge_gain,
        avg(a.satisfaction) as satisfaction
    from fct_attendance as a, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

awards as (
    select grains.grain, cast(date_trunc(grains.grain, g.award_date) as date) as period_start,
        coalesce(g.region, 'No region') as region, sum(g.awarded_usd) as awarded_usd
    from stg_grants as g, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

payments as (
    select grains.grain, cast(date_trunc(grains.grain, d.paid_on) as date) as period_start,
        coalesce(d.region, 'No region') as region, sum(d.amount_usd) as disbursed_usd
    from fct_disbursements as d, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

indicators as (
    select grains.grain, cast(date_trunc(grains.grain, i.period_end) as date) as period_start,
        coalesce(i.region, 'No region') as region,
        count_if(i.status = 'on track') / nullif(count_if(i.status in ('on track', 'off track')), 0)
            as indicators_on_track_share
    from indicator_achievement as i, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

final as (
    select
        spine.grain,
        spine.period_start,
        spine.region,
        membership.members,
        membership.joins,
        membership.exits,
        coalesce(events.events, 0) as events,
        coalesce(reach.unique_participants, 0) as unique_participants,
        coalesce(reach.participant_hours, 0) as participant_hours,
        reach.women_share,
        reach.completion_rate,
        reach.knowledge_gain,
        reach.satisfaction,
        coalesce(awards.awarded_usd, 0) as awarded_usd,
        coalesce(payments.disbursed_usd, 0) as disbursed_usd,
        indicators.indicators_on_track_share
    from spine
    left join membership using (grain, period_start, region)
    left join events
        on events.grain = spine.grain and events.period_start = spine.period_start
        and coalesce(events.region, 'All regions') = spine.region
    left join reach
        on reach.grain = spine.grain and reach.period_start = spine.period_start
        and coalesce(reach.region, 'All regions') = spine.region
    left join awards
        on awards.grain = spine.grain and awards.period_start = spine.period_start
        and coalesce(awards.region, 'All regions') = spine.region
    left join payments
        on payments.grain = spine.grain and payments.period_start = spine.period_start
        and coalesce(payments.region, 'All regions') = spine.region
    left join indicators
        on indicators.grain = spine.grain and indicators.period_start = spine.period_start
        and coalesce(indicators.region, 'All regions') = spine.region
)

select * from final
