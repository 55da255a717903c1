-- Pseudonymous participants, placed where they work (their city's region and country); `confidential` when
-- that city is a confidential member. `participant_key` numbers them 1..n in id order within one build: the
-- dashboard counts distinct people as a bitmap over these keys (see people() in dashboards/db.py), which is
-- several times faster than count(distinct) on the text ids.
with participants as (
    select * from typed_participants
),

cities as (
    select city_id, region, country_iso3, confidential from stg_cities
),

final as (
    select
        participants.participant_id,
        cast(row_number() over (order by participants.participant_id) as integer) as participant_key,
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
