-- Member cities with their country's name; region and visibility as supplied, `confidential` derived from it.
with cities as (
    select * from typed_cities
),

countries as (
    select
        iso3,
        name
    from ref_countries
),

final as (
    select
        cities.city_id,
        cities.city_name,
        cities.country_iso3,
        countries.name as country_name,
        cities.latitude,
        cities.longitude,
        cities.region,
        cities.joined_on,
        cities.left_on,
        cities.membership,
        cities.visibility,
        coalesce(cities.visibility = 'confidential', false) as confidential,
        cities.population
    from cities
    left join countries on cities.country_iso3 = countries.iso3
)

select * from final
