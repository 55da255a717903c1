-- Events with their region filled from the host city when the source left it empty; `confidential` when the
-- host city is a confidential member; `title_public` is the title without the names of confidential members
-- (scn_mask_confidential, staging.py), what roles that may not see them read instead.
with events as (
    select * from typed_events
),

cities as (
    select * from stg_cities
),

final as (
    select
        events.event_id,
        events.event_type,
        events.title,
        scn_mask_confidential(events.title) as title_public,
        events.start_date,
        events.end_date,
        events.city_id,
        cities.city_name,
        cities.country_iso3,
        coalesce(events.region, cities.region) as region,
        events.modality,
        events.topic,
        events.hours,
        coalesce(cities.confidential, false) as confidential
    from events
    left join cities using (city_id)
)

select * from final
