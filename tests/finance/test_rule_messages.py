"""Rule checks carry a language-free message and numbers; the CLI's English stays as it was."""

from __future__ import annotations

from byibalance.cli.finance import _rules_frame
from byibalance.finance import rules
from byibalance.finance.rules import RuleCheck
from byibalance.runner import run

# Each message with fixed arguments, and the English the CLI printed before messages existed
# (written out by hand from the former f-strings).
CASES = [
    (rules.SERVICE_WITHIN, {"spending": 2_052_700_000.0, "ceiling": 2_073_249_999.0},
     "service spending 2,052.7 mio. DKK within the ceiling 2,073.2 mio. DKK"),
    (rules.SERVICE_ABOVE, {"spending": 1e9, "excess": 5e7, "ceiling": 9.5e8},
     "service spending 1,000.0 mio. DKK is 50.0 mio. DKK above the ceiling 950.0 mio. DKK"),
    (rules.CAPITAL_WITHIN, {"spending": 1.2e8, "level": 1.3e8},
     "capital spending 120.0 mio. DKK within the municipality's share of the capital level "
     "130.0 mio. DKK"),
    (rules.CAPITAL_ABOVE, {"spending": 149.2e6, "excess": 39.6e6, "level": 109.6e6},
     "capital spending 149.2 mio. DKK is 39.6 mio. DKK above the municipality's share of the "
     "capital level 109.6 mio. DKK"),
    (rules.AVERAGE_ABOVE, {"average": 282.5e6},
     "365-day average liquidity 282.5 mio. DKK is above 0"),
    (rules.AVERAGE_NOT_ABOVE, {"average": -5e6},
     "365-day average liquidity -5.0 mio. DKK is not above 0: a dispensation is needed"),
    (rules.TARGET_MET, {"liquidity": 3e8, "target": 1e8},
     "year-end liquidity 300.0 mio. DKK meets the council's target 100.0 mio. DKK"),
    (rules.TARGET_BELOW, {"liquidity": 9e7, "shortfall": 1e7, "target": 1e8},
     "year-end liquidity 90.0 mio. DKK is 10.0 mio. DKK below the council's target 100.0 mio. DKK"),
    (rules.LOAN_NOT_ALLOWED, {"amount": 4.5e6, "purpose": "coffee", "allowed": "energy, school"},
     "a loan of 4.5 mio. DKK for 'coffee' is not an allowed purpose (allowed: energy, school)"),
    (rules.LOANS_ALLOWED, {"count": 2}, "2 new loan(s), all for allowed purposes"),
    (rules.NO_LOANS, {}, "no new loans"),
    (rules.TAX_SANCTION, {"cut": 3.21e6}, "a tax rise costs 3.2 mio. DKK of block grant this year"),
    (rules.NO_TAX_SANCTION, {}, "no tax-rise sanction"),
    (rules.OPERATING_DEFICIT, {"deficit": 12.34e6},
     "operating deficit of 12.3 mio. DKK: revenue does not cover operating spending and interest"),
    (rules.SURPLUS_SHORT, {"first": 2030, "last": 2033, "covered": 1e8, "needed": 2e8},
     "over 2030-2033 the operating surplus 100.0 mio. DKK does not cover net capital spending "
     "and repayments 200.0 mio. DKK"),
    (rules.SURPLUS_COVERS, {"first": 2030, "last": 2033, "covered": 2e8, "needed": 1e8},
     "over 2030-2033 the operating surplus 200.0 mio. DKK covers net capital spending and "
     "repayments 100.0 mio. DKK"),
]  # fmt: skip


def test_every_message_renders_the_former_english() -> None:
    assert {message for message, _, _ in CASES} == set(rules.MESSAGES)
    for message, args, english in CASES:
        check = RuleCheck("r", 2030, "ok", message, 0.0, 0.0, args)
        assert check.reason == english
        hash(check)


def test_the_checks_keep_their_numbers_as_numbers() -> None:
    result = run(municipality="165")
    for check in result.rules:
        assert check.message in rules.MESSAGES
        assert all(isinstance(v, int | float | str) for v in check.args.values())
        amounts = [v for k, v in check.args.items() if k not in ("first", "last", "count")]
        assert all(isinstance(v, float) for v in amounts if not isinstance(v, str))


def test_the_cli_rules_sheet_keeps_its_columns() -> None:
    result = run(municipality="165")
    frame = _rules_frame(result.rules)
    assert list(frame.columns) == ["rule", "year", "status", "reason", "value", "limit"]
    assert frame["reason"].tolist() == [c.reason for c in result.rules]
