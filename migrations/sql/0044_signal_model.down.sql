-- 0044_signal_model.down.sql — undoes 0044. Refused while a signal names a model: dropping the column would leave
-- those signals' row hashes unverifiable (the hash covers model_id).
SET LOCAL ROLE predator_owner;
DO $$
BEGIN
    IF EXISTS (SELECT FROM trading.signal WHERE model_id IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'downgrade of 0044 refused: signals name a model',
            HINT = 'Their row hashes cover model_id; downgrade a database without model strategies'' signals.';
    END IF;
END
$$;
ALTER TABLE trading.signal DROP COLUMN model_id;
