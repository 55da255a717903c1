-- Milestones reached, with the city's place and visibility for filtering.
with milestones as (
    select * from stg_milestones
),

cities as (
    select
        city_id,
        region,
        country_iso3,
        visibility
    from stg_cities
),

final as (
    select
        milestones.city_id,
        cities.region,
        cities.country_iso3,
        cities.visibility,
        milestones.milestone,
        milestones.step,
        milestones.achieved_on
    from milestones
    join cities using (city_id)
)

select * from final
