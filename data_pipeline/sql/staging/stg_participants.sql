-- Pseudonymous participants, placed where they work (their city's region and country); `confidential` when
-- that city is a confidential member.
with participants as (
    select * from typed_participants
),

cities as (
    select city_id, region, country_iso3, confidential from stg_cities
),

final as (
    select
        participants.participant_id,
        participants.city_id,
        cities.region,
        cities.country_iso3,
        participants.gender,
        participants.age_band,
        participants.role,
        coalesce(cities.confidential, false) as confidential
    from participants
    left join cities using (city_id)
)

select * from final
