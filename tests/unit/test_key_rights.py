"""The rights judgement on the venues' documented answers (no recorded payload of either endpoint is shipped):
Kraken ``GetApiKeyInfo`` (docs.kraken.com, Account Data, "Get API Key Info": the example answer) and Binance
``GET /sapi/v1/account/apiRestrictions`` (developers.binance.com, Wallet, "Get API Key Permission": the
example answer)."""

from __future__ import annotations

from typing import Any

import pytest

from predator.credentials import binance_rights, kraken_rights
from tests.fixtures.key_rights import BINANCE_DOC, KRAKEN_DOC

KRAKEN_TRADING = ["query-funds", "query-open-trades", "query-closed-trades", "modify-trades", "close-trades"]

BINANCE_GOOD = BINANCE_DOC | {"ipRestrict": True, "enableInternalTransfer": False, "permitsUniversalTransfer": False,
                              "enableSpotAndMarginTrading": True, "enablePortfolioMarginTrading": False}


def test_kraken_documented_example_is_refused_for_withdrawal_and_missing_rights() -> None:
    r = kraken_rights(KRAKEN_DOC)
    assert not r.ok
    text = " | ".join(r.refusals)
    assert "withdraw-funds" in text
    assert "query-closed-trades is missing" in text and "close-trades is missing" in text
    assert r.nonce_window == 0
    assert any("IP allow-list" in w for w in r.warnings)


def test_kraken_trading_key_is_accepted() -> None:
    r = kraken_rights(KRAKEN_DOC | {"permissions": [*KRAKEN_TRADING, "query-ledger"], "ipAllowlist": ["10.0.0.1"]})
    assert r.ok and r.warnings == () and "modify-trades" in r.rights


@pytest.mark.parametrize("permission", ["withdraw-funds", "deposit-funds", "add-withdraw-address",
                                        "update-withdraw-address"])
def test_kraken_money_moving_permissions_are_refused(permission: str) -> None:
    r = kraken_rights(KRAKEN_DOC | {"permissions": [*KRAKEN_TRADING, permission]})
    assert [x for x in r.refusals if permission in x and "move money" in x]


def test_kraken_unknown_permission_fails_closed() -> None:
    r = kraken_rights(KRAKEN_DOC | {"permissions": [*KRAKEN_TRADING, "earn-funds"]})
    assert len(r.refusals) == 1 and "earn-funds is unknown" in r.refusals[0]


@pytest.mark.parametrize("window,refused", [(0, False), ("0", False), (1, True), ("5000", True), (None, True),
                                            ("x", True)])
def test_kraken_nonce_window_above_zero_or_unreadable_is_refused(window: Any, refused: bool) -> None:
    r = kraken_rights(KRAKEN_DOC | {"permissions": KRAKEN_TRADING, "nonceWindow": window})
    assert (not r.ok) is refused
    if refused:
        assert "nonceWindow" in r.refusals[0]


def test_kraken_unreadable_permissions_are_refused() -> None:
    r = kraken_rights(KRAKEN_DOC | {"permissions": {"withdraw_funds": False}})
    assert not r.ok and "unreadable" in r.refusals[0]


def test_binance_documented_example_is_refused_for_transfers_and_no_trading() -> None:
    r = binance_rights(BINANCE_DOC)
    text = " | ".join(r.refusals)
    assert "enableInternalTransfer is true" in text and "permitsUniversalTransfer is true" in text
    assert "enableSpotAndMarginTrading is not true" in text
    assert "enableWithdrawals" not in text
    assert any("ipRestrict" in w for w in r.warnings) and any("enablePortfolioMarginTrading" in w for w in r.warnings)


def test_binance_trading_key_is_accepted() -> None:
    r = binance_rights(BINANCE_GOOD)
    assert r.ok and r.warnings == () and r.nonce_window is None
    assert set(r.rights) == {"enableReading", "enableSpotAndMarginTrading", "enableFixReadOnly"}


@pytest.mark.parametrize("field", ["enableWithdrawals", "enableInternalTransfer", "permitsUniversalTransfer"])
def test_binance_each_money_moving_right_is_refused_and_a_missing_one_fails_closed(field: str) -> None:
    assert f"{field} is true" in binance_rights(BINANCE_GOOD | {field: True}).refusals[0]
    assert f"{field} is true" in binance_rights(BINANCE_GOOD | {field: "true"}).refusals[0]
    missing = {k: v for k, v in BINANCE_GOOD.items() if k != field}
    assert f"{field} is missing" in binance_rights(missing).refusals[0]
