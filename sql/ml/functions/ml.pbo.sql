-- ml.pbo(p_performance double precision[][], p_blocks integer) -> double precision
-- The probability of backtest overfitting estimated by combinatorially symmetric cross-validation (CSCV):
-- Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", Journal of Computational
-- Finance 20(4), 2017 (SSRN 2326253, 2015), the CSCV procedure of its section on estimating PBO.
--
-- Input: p_performance, a T×N matrix of returns — T rows of observations in time order (the first array
-- dimension), N columns, one per trial (strategy configuration) of the same family (the second dimension);
-- p_blocks = S, an even number of blocks. Procedure, deterministic:
--   1. the T rows are cut into S contiguous blocks of T/S rows (T must be a multiple of S);
--   2. for each of the C(S, S/2) combinations c of S/2 blocks: the rows of c form the in-sample set J, the rows
--      of the other S/2 blocks its complement J̄ (out of sample);
--   3. on J and on J̄ each column's Sharpe ratio mean / standard deviation (sample, ddof 1; a zero variance
--      gives 0 for a zero mean, else ±Infinity by the mean's sign) is computed;
--   4. n* = the column with the highest in-sample Sharpe ratio (ties: the lowest column index);
--   5. its out-of-sample relative rank ω̄_c = r/(N + 1), r its rank among the N out-of-sample Sharpe ratios
--      (1 = worst, ties averaged), and the logit λ_c = ln(ω̄_c / (1 - ω̄_c));
--   6. PBO = the share of combinations with λ_c <= 0 (the in-sample best at or below the out-of-sample median),
--      counted as 2r <= N + 1, which is exactly λ_c <= 0.
-- A probability in [0, 1]; the issue's gate asks PBO <= 0.2 over a model's family.
-- Refusals (PD012): S odd, below 2 or above 16 (C(16, 8) = 12,870 combinations); not a 2-D array; a NULL, NaN
-- or ±Infinity cell; fewer than 2 columns; T not a multiple of S; fewer than 4 rows (each half needs 2);
-- more than 5,000,000 cells. STRICT: a NULL argument gives NULL.
--
-- Each half's mean and variance are combined from its blocks' (Chan, Golub & LeVeque's pairwise update, blocks
-- of equal size: M2 = Σ M2_b + (T/S)·(k - 1)·var(block means), k = S/2), so every block is aggregated once; the
-- complement of a combination is a combination, so each half is computed once and used as J for c and J̄ for
-- its complement. Every aggregate sums in row and block order (ORDER BY inside the aggregate), so the result
-- does not depend on the plan, and two identical columns get bit-identical Sharpe ratios (an exact tie).
CREATE OR REPLACE FUNCTION ml.pbo(p_performance double precision[], p_blocks integer)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c_routine CONSTANT text := 'ml.pbo';
    v_t integer;
    v_n integer;
    v_rows integer;
    v_lo integer;
    v_all integer;
    v_bad text;
    v_pbo double precision;
BEGIN
    IF p_blocks < 2 OR p_blocks > 16 OR p_blocks % 2 <> 0 THEN
        PERFORM ml._refuse(c_routine, 'p_blocks', p_blocks::text, 'is not an even number of blocks in [2, 16]',
                           'S is even (the halves are S/2 blocks each) and at most 16 (C(16, 8) = 12,870 combinations); 16 is the paper''s example.');
    END IF;
    IF coalesce(array_ndims(p_performance), 0) <> 2 THEN
        PERFORM ml._refuse(c_routine, 'p_performance', format('an array of %s dimensions', coalesce(array_ndims(p_performance), 0)),
                           'is not a 2-D array',
                           'Pass a T x N matrix: rows are observations in time order, columns the trials of one family.');
    END IF;
    IF cardinality(p_performance) > 5000000 THEN
        PERFORM ml._refuse(c_routine, 'p_performance', format('%s cells', cardinality(p_performance)),
                           'has more than 5,000,000 cells', 'Aggregate the returns to a coarser period or split the family.');
    END IF;
    SELECT format('[%s][%s]=%s', i, j, coalesce(p_performance[i][j]::text, 'NULL')) INTO v_bad
      FROM generate_subscripts(p_performance, 1) i CROSS JOIN generate_subscripts(p_performance, 2) j
     WHERE NOT coalesce(p_performance[i][j] > '-Infinity'::double precision
                        AND p_performance[i][j] < 'Infinity'::double precision, false)
     ORDER BY i, j LIMIT 1;
    IF v_bad IS NOT NULL THEN
        PERFORM ml._refuse(c_routine, 'p_performance', v_bad, 'holds a cell that is not a finite number',
                           'Every cell is a finite return: no NULL, NaN, Infinity or -Infinity.');
    END IF;
    v_t := array_length(p_performance, 1);
    v_n := array_length(p_performance, 2);
    v_lo := array_lower(p_performance, 1);
    IF v_n < 2 THEN
        PERFORM ml._refuse(c_routine, 'p_performance', format('%s column(s)', v_n), 'has fewer than 2 columns',
                           'PBO ranks trials against each other: pass at least 2 columns (trials).');
    END IF;
    IF v_t < 4 OR v_t % p_blocks <> 0 THEN
        PERFORM ml._refuse(c_routine, 'p_performance', format('%s rows', v_t),
                           format('does not have a multiple of %s rows, at least 4', p_blocks),
                           'The rows are cut into S blocks of equal size: drop the oldest T mod S rows.');
    END IF;
    v_rows := v_t / p_blocks;
    v_all := (1 << p_blocks) - 1;

    WITH cells AS (
        SELECT (i - v_lo) / v_rows AS blk, i AS obs, j AS col, p_performance[i][j] AS v
          FROM generate_subscripts(p_performance, 1) i CROSS JOIN generate_subscripts(p_performance, 2) j
    ), blocks AS (
        SELECT blk, col, avg(v ORDER BY obs) AS mean, coalesce(var_samp(v ORDER BY obs), 0) * (count(*) - 1) AS m2
          FROM cells GROUP BY blk, col
    ), halves AS (
        SELECT m AS mask FROM generate_series(0, v_all) m WHERE bit_count(m::bit(32)) = p_blocks / 2
    ), stats AS (
        SELECT h.mask, b.col, avg(b.mean ORDER BY b.blk) AS mean,
               sum(b.m2 ORDER BY b.blk) + v_rows * coalesce(var_samp(b.mean ORDER BY b.blk), 0) * (p_blocks / 2 - 1) AS m2
          FROM halves h JOIN blocks b ON (h.mask >> b.blk) & 1 = 1
         GROUP BY h.mask, b.col
    ), sharpe AS (
        SELECT mask, col,
               CASE WHEN m2 > 0 THEN mean / sqrt(m2 / (v_t / 2 - 1))
                    WHEN mean > 0 THEN 'Infinity'::double precision
                    WHEN mean < 0 THEN '-Infinity'::double precision
                    ELSE 0 END AS sr
          FROM stats
    ), paired AS (
        SELECT s.mask, s.col, s.sr AS sr_is, o.sr AS sr_oos
          FROM sharpe s JOIN sharpe o ON o.mask = (v_all # s.mask) AND o.col = s.col
    ), best AS (
        SELECT DISTINCT ON (mask) mask, col, sr_oos FROM paired ORDER BY mask, sr_is DESC, col
    ), ranked AS (
        SELECT b.mask,
               1 + count(*) FILTER (WHERE p.sr_oos < b.sr_oos)
                 + 0.5 * count(*) FILTER (WHERE p.sr_oos = b.sr_oos AND p.col <> b.col) AS r
          FROM best b JOIN paired p ON p.mask = b.mask
         GROUP BY b.mask, b.col, b.sr_oos
    )
    SELECT (count(*) FILTER (WHERE 2 * r <= v_n + 1))::double precision / count(*)::double precision
      INTO v_pbo FROM ranked;
    RETURN v_pbo;
END
$$;

COMMENT ON FUNCTION ml.pbo(double precision[], integer) IS 'Probability of backtest overfitting by CSCV, Bailey, Borwein, López de Prado & Zhu (2017) "The Probability of Backtest Overfitting": a T×N matrix of returns (rows = observations in time order, columns = the family''s trials), S even blocks of T/S rows, all C(S, S/2) halves as in-sample, the in-sample best column''s out-of-sample rank r (Sharpe ratios, ties averaged), logit ln(ω/(1-ω)) with ω = r/(N+1); PBO = share of logits <= 0. Deterministic. PD012 on S odd or outside [2, 16], a non-finite cell, N < 2, T not a multiple of S or < 4. docs/ml.md.';
