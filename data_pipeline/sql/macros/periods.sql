-- Periods: months, quarters and years, each named by its first day. The marts and the dashboard's queries count
-- by these (data_pipeline/macros.py creates them in the build and in every connection of the app).

-- The first day of the `grain` ('month', 'quarter' or 'year') that `day` falls in.
create or replace macro period_start(grain, day) as cast(date_trunc(grain, day) as date);

-- One `grain` as an interval.
create or replace macro period_length(grain) as
case grain
    when 'month' then interval 1 month
    when 'quarter' then interval 3 month
    when 'year' then interval 1 year
end;

-- The last day of the `grain` starting on `first_day`, or `last_day` when that comes first (a period still
-- running at the data's date).
create or replace macro period_end(grain, first_day, last_day) as
least(cast(first_day + period_length(grain) - interval 1 day as date), cast(last_day as date));

-- The date spine: one row per `grain` from the one holding `first_day` to the one holding `last_day`, each with
-- its first and last day (the last one cut at `last_day`), so a period without activity is a row of zeros.
create or replace macro date_spine(grain, first_day, last_day) as table
    select
        cast(day as date) as period_start,
        period_end(grain, day, last_day) as period_end
    from range(
        cast(date_trunc(grain, cast(first_day as date)) as timestamp),
        cast(last_day as date) + interval 1 day,
        period_length(grain)
    ) as spine (day);
