from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, RedshiftSource
from feast.types import Float32, Int64

driver = Entity(name="driver", join_keys=["driver_id"])

driver_hourly_stats_source = RedshiftSource(
    name="driver_hourly_stats",
    table="driver_hourly_stats",
    timestamp_field="event_timestamp",
    created_timestamp_column="created",
)

driver_hourly_stats = FeatureView(
    name="driver_hourly_stats",
    entities=[driver],
    ttl=timedelta(hours=2),
    schema=[
        Field(name="conv_rate", dtype=Float32),
        Field(name="acc_rate", dtype=Float32),
        Field(name="avg_daily_trips", dtype=Int64),
    ],
    online=True,
    source=driver_hourly_stats_source,
    tags={"team": "marketplace-ml"},
)

driver_ranking = FeatureService(
    name="driver_ranking",
    features=[driver_hourly_stats],
)
