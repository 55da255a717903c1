-- The donor standards' exports (data_pipeline/standards; macros.py creates these in the build and in the app's
-- connections).

-- A grant of donor `donor_id` is in an export of `donor`'s grants (`donor` NULL: every grant). Every
-- sql/standards query chooses its grants with this, so "which grants" is decided once.
create or replace macro in_export(donor_id, donor) as donor::varchar is null or donor_id = donor::varchar;
