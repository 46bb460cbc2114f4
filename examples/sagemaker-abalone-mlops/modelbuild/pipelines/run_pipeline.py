"""A CLI to create or update and run pipelines."""
import argparse
import json
import sys

from pipelines._utils import get_pipeline_driver, convert_struct, get_pipeline_custom_tags


def main():  # pragma: no cover
    parser = argparse.ArgumentParser("Creates or updates and runs the pipeline for the pipeline script.")
    parser.add_argument("-n", "--module-name", dest="module_name", type=str)
    parser.add_argument("-kwargs", "--kwargs", dest="kwargs", default=None)
    parser.add_argument("-role-arn", "--role-arn", dest="role_arn", type=str)
    parser.add_argument("-tags", "--tags", dest="tags", default=None)
    args = parser.parse_args()

    tags = convert_struct(args.tags)
    pipeline = get_pipeline_driver(args.module_name, args.kwargs)
    all_tags = get_pipeline_custom_tags(args.module_name, args.kwargs, tags)
    upsert_response = pipeline.upsert(role_arn=args.role_arn, tags=all_tags)
    print(json.dumps(upsert_response, indent=2, sort_keys=True))

    execution = pipeline.start()
    print(f"Execution started with PipelineExecutionArn: {execution.arn}")
    print("Waiting for the execution to finish...")
    execution.wait()
    print("\n#####Execution completed. Execution step details:")
    print(execution.list_steps())


if __name__ == "__main__":
    main()
