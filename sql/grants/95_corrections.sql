-- grants/95_corrections.sql — governed book corrections (issue 14, docs/live.md "Corrections"): the operator posts
-- a transfer seen on the venue account and voids a fill the venue never made.
GRANT EXECUTE ON FUNCTION
    api.post_venue_transfer(text, text, text, numeric, timestamptz, text, text, text),
    api.void_fill(text, text, text, timestamptz, text, text)
TO predator_operator;
