import pandas as pd
import pandera as pa
import pytest

from fraud.schema import TRANSACTION_SCHEMA


def test_negative_amount_is_rejected():
    df = pd.DataFrame(
        {"amount": [-1.0], "merchant_category": ["5411"], "card_age_days": [10], "txn_count_1h": [1], "country_mismatch": [False]}
    )
    with pytest.raises(pa.errors.SchemaError):
        TRANSACTION_SCHEMA.validate(df)
