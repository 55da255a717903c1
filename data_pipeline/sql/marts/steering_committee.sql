-- Steering-committee terms with the city's place; `is_current` at the data's reference date.
with terms as (
    select * from stg_steering_terms
),

cities as (
    select
        city_id,
        city_name,
        region,
        country_iso3,
        visibility
    from stg_cities
),

params as (
    select as_of from build_params
),

final as (
    select
        terms.city_id,
        cities.city_name,
        cities.region,
        cities.country_iso3,
        cities.visibility,
        terms.term_start,
        terms.term_end,
        terms.role,
        terms.term_start <= params.as_of
        and (terms.term_end is null or terms.term_end >= params.as_of) as is_current
    from terms
    join cities using (city_id)
    cross join params
)

select * from final
