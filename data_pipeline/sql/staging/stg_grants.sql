-- Grants in their own currency and in USD at the rate valid on the award date; `confidential` when the grant's
-- city is a confidential member; `title_public` as in stg_events.
with grants as (
    select * from typed_grants
),

cities as (
    select * from stg_cities
),

rates as (
    select * from stg_fx_rates
),

converted as (
    select
        grants.*,
        rates.usd_per_unit as award_rate
    from grants
    asof left join rates
        on grants.currency = rates.currency and grants.award_date >= rates.valid_on
),

final as (
    select
        converted.grant_id,
        converted.title,
        scn_mask_confidential(converted.title) as title_public,
        converted.donor_id,
        converted.city_id,
        cities.city_name,
        coalesce(converted.region, cities.region) as region,
        cities.country_iso3,
        converted.programme,
        converted.theme,
        converted.amount_awarded,
        converted.currency,
        converted.amount_awarded * converted.award_rate as awarded_usd,
        converted.award_date,
        converted.start_date,
        converted.end_date,
        converted.status,
        coalesce(cities.confidential, false) as confidential
    from converted
    left join cities using (city_id)
)

select * from final
