-- The women's share of participants (data_pipeline/macros.py creates these in the build and in the app's
-- connections): women among the participants who stated a gender. 'undisclosed' (or no answer) counts in neither
-- part; the contract's genders are female, male, non-binary and undisclosed (tests/test_macros.py holds them to it).

-- The participant is a woman.
create or replace macro is_woman(gender) as gender = 'female';

-- The participant stated a gender.
create or replace macro gender_stated(gender) as gender in ('female', 'male', 'non-binary');

-- The share itself, from the two counts (NULL when nobody stated a gender).
create or replace macro women_share(women, stated) as women / nullif(stated, 0);
