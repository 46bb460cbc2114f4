import pandas as pd

from churn.features import build_features


def test_features_have_expected_columns():
    df = pd.DataFrame(
        {"tenure_months": [0, 12], "monthly_charges": [20.0, 55.5], "support_tickets_90d": [0, 3]}
    )
    out = build_features(df)
    assert "charges_per_month_of_tenure" in out.columns
    assert out["has_recent_tickets"].tolist() == [False, True]


def test_zero_tenure_does_not_divide_by_zero():
    df = pd.DataFrame({"tenure_months": [0], "monthly_charges": [10.0], "support_tickets_90d": [0]})
    assert build_features(df)["charges_per_month_of_tenure"].iloc[0] == 10.0
