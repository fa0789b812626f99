-- risk_state.sql — the risk state machine of a book (migration 0017, docs/risk.md): every move is checked and
-- applied to risk.state_current before the chain trigger (_900_chain) appends it.
CREATE OR REPLACE TRIGGER _100_apply BEFORE INSERT ON risk.state_event
    FOR EACH ROW EXECUTE FUNCTION risk.tg_state_event__apply();
