-- Grants as the donor standards publish them: original currency, the donor, and the member city with its point.
-- A confidential member city is never published: its grant keeps its money, dates, region and programme, and
-- loses everything that places or names the city (title included, which often names it). Any other grant's title
-- is published masked (`title_public`): "Exchange between Amman and <a confidential member>" must not name it.
with grants as (
    select * from stg_grants
    where in_export(donor_id, $donor)
),

donors as (
    select
        donor_id,
        donor_name,
        donor_type
    from stg_donors
),

cities as (
    select
        city_id,
        latitude,
        longitude
    from stg_cities
),

countries as (
    select
        iso3,
        iso2,
        name
    from ref_countries
),

final as (
    select
        grants.grant_id,
        case when grants.confidential then grants.programme || ': ' || grants.theme else grants.title_public end
            as title,
        grants.donor_id,
        donors.donor_name,
        donors.donor_type,
        case when not grants.confidential then grants.city_id end as city_id,
        case when not grants.confidential then grants.city_name end as city_name,
        case when not grants.confidential then grants.country_iso3 end as country_iso3,
        case when not grants.confidential then countries.iso2 end as country_iso2,
        case when not grants.confidential then countries.name end as country_name,
        case when not grants.confidential then cities.latitude end as latitude,
        case when not grants.confidential then cities.longitude end as longitude,
        grants.region,
        grants.programme,
        grants.theme,
        grants.amount_awarded,
        grants.currency,
        grants.award_date,
        grants.start_date,
        grants.end_date,
        grants.status,
        grants.confidential
    from grants
    join donors using (donor_id)
    left join cities using (city_id)
    left join countries on grants.country_iso3 = countries.iso3
)

select * from final
order by grant_id
