import argparse
import json
import logging
import os

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)
sm_client = boto3.client("sagemaker")
runtime = boto3.client("sagemaker-runtime")

SAMPLE = "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15"


def invoke_endpoint(endpoint_name):
    response = runtime.invoke_endpoint(EndpointName=endpoint_name, ContentType="text/csv", Body=SAMPLE)
    prediction = float(response["Body"].read().decode())
    if not 1 <= prediction <= 30:
        raise Exception(f"Prediction {prediction} is outside the plausible range of rings")
    return prediction


def test_endpoint(endpoint_name):
    """Describe the endpoint and ensure InSerivce, then invoke endpoint. Raises exception on error."""
    try:
        response = sm_client.describe_endpoint(EndpointName=endpoint_name)
        status = response["EndpointStatus"]
        if status != "InService":
            raise Exception(f"Endpoint: {endpoint_name} is not InService")
        return {**response, "prediction": invoke_endpoint(endpoint_name)}
    except ClientError as e:
        logger.error(e.response["Error"]["Message"])
        raise


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--log-level", type=str, default=os.environ.get("LOGLEVEL", "INFO").upper())
    parser.add_argument("--import-build-config", type=str, required=True)
    parser.add_argument("--export-test-results", type=str, required=True)
    args, _ = parser.parse_known_args()
    logging.basicConfig(level=args.log_level)

    with open(args.import_build_config, "r") as f:
        config = json.load(f)
    endpoint_name = "{}-{}".format(config["Parameters"]["SageMakerProjectName"], config["Parameters"]["StageName"])
    results = test_endpoint(endpoint_name)
    with open(args.export_test_results, "w") as f:
        json.dump(results, f, indent=4, default=str)
