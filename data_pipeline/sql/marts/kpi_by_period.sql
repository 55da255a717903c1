-- The headline KPIs per month, quarter and year, for each region and for the whole network
-- ('All regions', which also counts activity with no region, such as global webinars).
-- Unique participants are counted per period, so they are not summed across periods. Grouping sets
-- leave the region NULL on the network-wide rows, which the joins below read as 'All regions'.
-- At ten million attendances, count(distinct) over three grains x two grouping sets is what made this model
-- slow (and its memory grow): instead each participant becomes one row per year and region carrying the
-- months they attended as a 12-bit mask, and a period counts the rows whose mask overlaps the period's months.
with params as (
    select as_of from build_params
),

grains as (
    select unnest(['month', 'quarter', 'year']) as grain
),

first_join as (
    select min(joined_on) as day from stg_cities
),

regions as (
    select region from ref_regions
    union all
    select 'All regions'
),

-- every month, quarter and year from the first join to as_of (the last one cut there), for each region and the
-- network
spine as (
    select
        grains.grain,
        periods.period_start,
        periods.period_end,
        regions.region
    from grains
    cross join first_join
    cross join params
    cross join date_spine(grains.grain, first_join.day, params.as_of) as periods
    cross join regions
),

membership as (
    select
        spine.grain,
        spine.period_start,
        spine.region,
        count(c.city_id) filter (where is_member_on(c.joined_on, c.left_on, spine.period_end)) as members,
        count(c.city_id) filter (where c.joined_on between spine.period_start and spine.period_end) as joins,
        count(c.city_id) filter (where c.left_on between spine.period_start and spine.period_end) as exits
    from spine
    left join stg_cities as c on spine.region in (c.region, 'All regions')
    group by all
),

events as (
    select
        grains.grain,
        period_start(grains.grain, e.start_date) as period_start,
        coalesce(e.region, 'No region') as region,
        count(*) as events
    from fct_events as e, grains, params
    where e.start_date <= params.as_of  -- planned events are not activity yet
    group by grouping sets ((1, 2, 3), (1, 2))
),

attendance as (
    select
        period_start('year', a.start_date) as year_start,
        month(a.start_date) - 1 as month_index,
        coalesce(a.region, 'No region') as region,
        a.participant_key
    from fct_attendance as a
),

-- additive measures: sums and counts per month and region, from attendance_by_event (already added up per
-- event and place: a fifth of the rows), then added up to quarters, years and the network
monthly_reach as (
    select
        month,
        coalesce(region, 'No region') as region,
        sum(attendances) as attendances,
        sum(completed) as completed,
        sum(participant_hours) as participant_hours,
        sum(gain_sum) as knowledge_gain_sum,
        sum(scored) as knowledge_gain_count,
        sum(satisfaction_sum) as satisfaction_sum,
        sum(rated) as satisfaction_count
    from attendance_by_event
    group by all
),

reach_sums as (
    select
        grains.grain,
        period_start(grains.grain, m.month) as period_start,
        m.region,
        sum(m.attendances) as attendances,
        sum(m.completed) as completed,
        sum(m.participant_hours) as participant_hours,
        sum(m.knowledge_gain_sum) as knowledge_gain_sum,
        sum(m.knowledge_gain_count) as knowledge_gain_count,
        sum(m.satisfaction_sum) as satisfaction_sum,
        sum(m.satisfaction_count) as satisfaction_count
    from monthly_reach as m, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

-- one row per participant, year and region reached in; bit m of `months` = attended in month m + 1
people_by_year as (
    select
        year_start,
        region,
        participant_key,
        bit_or(1 << month_index) as months
    from attendance
    group by year_start, region, participant_key
),

-- each of those rows with the participant's sex (fct_attendance does not carry it): joined once per person, year and
-- region, and carried into the network's rows: faster than joining after them (bench/README.md)
people_by_year_sexed as (
    select
        people_by_year.*,
        is_woman(p.gender) as female,
        gender_stated(p.gender) as known_gender
    from people_by_year
    join stg_participants as p using (participant_key)
),

-- the network counts a participant once even when reached in several regions (NULL region = network)
people as (
    select
        year_start,
        region,
        months,
        female,
        known_gender
    from people_by_year_sexed
    union all
    select
        year_start,
        null as region,
        bit_or(months) as months,
        any_value(female) as female,
        any_value(known_gender) as known_gender
    from people_by_year_sexed
    group by year_start, participant_key
),

-- participants sharing a year, region and set of months are counted together before periods are matched
month_patterns as (
    select
        year_start,
        region,
        months,
        count(*) as participants,
        count_if(female) as women,
        count_if(known_gender) as known_gender
    from people
    group by all
),

-- each period as the months it covers within its year
period_months as (
    select
        'month' as grain,
        m as first_month,
        1 << m as months
    from range(12) as t (m)
    union all
    select
        'quarter' as grain,
        3 * q as first_month,
        7 << (3 * q) as months
    from range(4) as t (q)
    union all
    select
        'year' as grain,
        0 as first_month,
        4095 as months
),

people_counts as (
    select
        period_months.grain,
        cast(p.year_start + to_months(period_months.first_month) as date) as period_start,
        p.region,
        cast(sum(p.participants) as bigint) as unique_participants,
        sum(p.women) as women,
        sum(p.known_gender) as known_gender
    from month_patterns as p
    join period_months on p.months & period_months.months <> 0
    group by all
),

reach as (
    select
        reach_sums.grain,
        reach_sums.period_start,
        reach_sums.region,
        people_counts.unique_participants,
        reach_sums.participant_hours,
        women_share(people_counts.women, people_counts.known_gender) as women_share,
        reach_sums.completed / reach_sums.attendances as completion_rate,
        reach_sums.knowledge_gain_sum / nullif(reach_sums.knowledge_gain_count, 0) as knowledge_gain,
        reach_sums.satisfaction_sum / nullif(reach_sums.satisfaction_count, 0) as satisfaction
    from reach_sums
    join people_counts
        on
            reach_sums.grain = people_counts.grain and reach_sums.period_start = people_counts.period_start
            and people_counts.region is not distinct from reach_sums.region
),

awards as (
    select
        grains.grain,
        period_start(grains.grain, g.award_date) as period_start,
        coalesce(g.region, 'No region') as region,
        sum(g.awarded_usd) as awarded_usd
    from stg_grants as g, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

payments as (
    select
        grains.grain,
        period_start(grains.grain, d.paid_on) as period_start,
        coalesce(d.region, 'No region') as region,
        sum(d.amount_usd) as disbursed_usd
    from fct_disbursements as d, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

indicators as (
    select
        grains.grain,
        period_start(grains.grain, i.period_end) as period_start,
        coalesce(i.region, 'No region') as region,
        count_if(i.status = 'on track') / nullif(count_if(i.status in ('on track', 'off track')), 0)
            as indicators_on_track_share
    from indicator_achievement as i, grains
    group by grouping sets ((1, 2, 3), (1, 2))
),

-- the measures above stacked, each in its own columns
stacked as (
    select * from events
    union all by name
    select * from reach
    union all by name
    select * from awards
    union all by name
    select * from payments
    union all by name
    select * from indicators
),

-- one row per grain, period and region; the network rows (the grouping sets without the region) as 'All regions'
measures as (
    select
        grain,
        period_start,
        coalesce(region, 'All regions') as region,
        any_value(columns(* exclude (grain, period_start, region)))
    from stacked
    group by all
),

final as (
    select
        spine.grain,
        spine.period_start,
        spine.region,
        membership.members,
        membership.joins,
        membership.exits,
        coalesce(measures.events, 0) as events,
        coalesce(measures.unique_participants, 0) as unique_participants,
        coalesce(measures.participant_hours, 0) as participant_hours,
        measures.women_share,
        measures.completion_rate,
        measures.knowledge_gain,
        measures.satisfaction,
        coalesce(measures.awarded_usd, 0) as awarded_usd,
        coalesce(measures.disbursed_usd, 0) as disbursed_usd,
        measures.indicators_on_track_share
    from spine
    left join membership using (grain, period_start, region)
    left join measures using (grain, period_start, region)
)

select * from final
