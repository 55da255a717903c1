-- One row per grant: awarded and disbursed in USD, and how its indicators stand at their latest report.
with grants as (
    select * from stg_grants
),

donors as (
    select * from stg_donors
),

paid as (
    select
        grant_id,
        sum(amount_usd) as disbursed_usd
    from stg_disbursements
    group by grant_id
),

latest as (
    select
        grant_id,
        count(distinct indicator_id) as indicators,
        count_if(is_latest and status = 'on track') as indicators_on_track,
        count_if(is_latest and status = 'off track') as indicators_off_track
    from indicator_achievement
    group by grant_id
),

final as (
    select
        grants.grant_id,
        grants.title,
        grants.title_public,
        grants.donor_id,
        donors.donor_name,
        donors.donor_type,
        grants.city_id,
        grants.city_name,
        grants.region,
        grants.country_iso3,
        grants.programme,
        grants.theme,
        grants.status,
        grants.currency,
        grants.amount_awarded,
        grants.awarded_usd,
        coalesce(paid.disbursed_usd, 0) as disbursed_usd,
        coalesce(paid.disbursed_usd, 0) / nullif(grants.awarded_usd, 0) as disbursed_share,
        grants.award_date,
        grants.start_date,
        grants.end_date,
        coalesce(latest.indicators, 0) as indicators,
        coalesce(latest.indicators_on_track, 0) as indicators_on_track,
        coalesce(latest.indicators_off_track, 0) as indicators_off_track,
        grants.confidential
    from grants
    join donors using (donor_id)
    left join paid using (grant_id)
    left join latest using (grant_id)
)

select * from final
