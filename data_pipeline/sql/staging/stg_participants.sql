-- Pseudonymous participants, placed where they work (their city's region and country); `confidential` when
-- that city is a confidential member. `participant_key` numbers them within one build by the row they are on in
-- the file (1 for the first row under the header; unique, and dense unless the file skips rows): the dashboard
-- counts distinct people as a bitmap over these keys (see people() in dashboards/queries/db.py), several times
-- faster than
-- count(distinct) on the text ids. Numbering by the row, not by sorting the ids, spares this model's largest cost.
with participants as (
    select * from typed_participants
),

cities as (
    select * from stg_cities
),

final as (
    select
        participants.participant_id,
        cast(participants._line - 1 as integer) as participant_key,
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
