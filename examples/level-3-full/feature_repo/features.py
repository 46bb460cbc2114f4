from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, FileSource
from feast.types import Float32, Int64

customer = Entity(name="customer", join_keys=["customer_id"])
activity = FeatureView(
    name="customer_activity",
    entities=[customer],
    ttl=timedelta(days=30),
    schema=[Field(name="tenure_months", dtype=Int64), Field(name="monthly_charges", dtype=Float32)],
    source=FileSource(path="s3://acme-ml-features/activity.parquet", timestamp_field="event_timestamp"),
)
churn_v2 = FeatureService(name="churn_v2", features=[activity])
