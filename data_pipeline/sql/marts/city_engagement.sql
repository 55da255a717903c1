-- One row per city: membership at the reference date, what it did, and whether it has gone quiet.
-- Dormant: a member whose last activity (hosting, attending, a milestone, a payment), or joining if it has
-- none, lies more than 365 days before the reference date.
with params as (
    select as_of from build_params
),

cities as (
    select * from stg_cities
),

hosted as (
    select
        fct_events.city_id,
        count(*) as events_hosted,
        max(fct_events.start_date) as last_hosted_on
    from fct_events, params
    where fct_events.city_id is not null and fct_events.start_date <= params.as_of
    group by fct_events.city_id
),

attended as (
    select
        a.participant_city_id as city_id,
        count(distinct a.event_id) as events_attended,
        count(distinct a.participant_key) as participants,
        count(*) as attendances,
        sum(a.hours) as participant_hours,
        max(a.start_date) as last_attended_on
    from fct_attendance as a, params
    where a.participant_city_id is not null and a.start_date <= params.as_of
    group by a.participant_city_id
),

funded as (
    select
        grant_portfolio.city_id,
        count(*) as grants,
        sum(awarded_usd) as awarded_usd,
        sum(disbursed_usd) as disbursed_usd
    from grant_portfolio
    where city_id is not null
    group by city_id
),

paid as (
    select
        city_id,
        max(paid_on) as last_paid_on
    from fct_disbursements
    where city_id is not null
    group by city_id
),

ladder as (
    select
        city_id,
        count(*) as milestones_reached,
        arg_max(milestone, step) as highest_milestone,
        max(achieved_on) as last_milestone_on
    from stg_milestones
    group by city_id
),

seats as (
    select
        city_id,
        arg_max(role, term_start) as steering_role
    from steering_committee
    where is_current
    group by city_id
),

final as (
    select
        cities.city_id,
        cities.city_name,
        cities.country_iso3,
        cities.country_name,
        cities.latitude,
        cities.longitude,
        cities.region,
        cities.membership,
        cities.visibility,
        cities.population,
        cities.joined_on,
        cities.left_on,
        is_member_on(cities.joined_on, cities.left_on, params.as_of) as is_member,
        seats.city_id is not null as on_steering_committee,
        seats.steering_role,
        coalesce(hosted.events_hosted, 0) as events_hosted,
        coalesce(attended.events_attended, 0) as events_attended,
        coalesce(attended.participants, 0) as participants,
        coalesce(attended.attendances, 0) as attendances,
        coalesce(attended.participant_hours, 0) as participant_hours,
        coalesce(funded.grants, 0) as grants,
        coalesce(funded.awarded_usd, 0) as awarded_usd,
        coalesce(funded.disbursed_usd, 0) as disbursed_usd,
        coalesce(ladder.milestones_reached, 0) as milestones_reached,
        ladder.highest_milestone,
        greatest(
            hosted.last_hosted_on, attended.last_attended_on, ladder.last_milestone_on, paid.last_paid_on
        ) as last_activity_on
    from cities
    cross join params
    left join hosted using (city_id)
    left join attended using (city_id)
    left join funded using (city_id)
    left join paid using (city_id)
    left join ladder using (city_id)
    left join seats using (city_id)
),

flagged as (
    select
        final.*,
        final.is_member
        and coalesce(final.last_activity_on, final.joined_on) < params.as_of - interval 365 day as dormant
    from final
    cross join params
)

select * from flagged
