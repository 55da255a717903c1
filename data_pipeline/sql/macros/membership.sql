-- Membership of the network (data_pipeline/macros.py creates these in the build and in the app's connections).

-- A city that joined on `joined_on` and left on `left_on` (NULL: still a member) is a member on `day`: it has
-- joined by then and not yet left (a city leaving on a day is no longer a member that day).
create or replace macro is_member_on(joined_on, left_on, day) as
joined_on <= day and (left_on is null or left_on > day);
