"""The contract for transaction rows, shared by training and serving."""
import pandera as pa
from pandera import Check, Column

TRANSACTION_SCHEMA = pa.DataFrameSchema(
    {
        "amount": Column(float, Check.ge(0)),
        "merchant_category": Column(str),
        "card_age_days": Column(int, Check.ge(0)),
        "txn_count_1h": Column(int, Check.ge(0)),
        "country_mismatch": Column(bool),
    },
    strict=False,
)

FEATURES = list(TRANSACTION_SCHEMA.columns)
