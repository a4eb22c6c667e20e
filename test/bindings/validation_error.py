"""A Python user catches the library's validation error: jsii passes only its message, which the library's
Errors helpers recognise and parse (construct path, field, value, what is accepted)."""
import json
import sys

import cdk8s
from cdk8s_ai_platform import Errors, SparkApplicationType, SparkJob, SparkJobProps, SparkPodOptions  # noqa: F401

app = cdk8s.App()
chart = cdk8s.Chart(app, "jobs", namespace="spark-jobs")
result = {}
try:
    SparkJob(chart, "pi", name="pi", type=SparkApplicationType.PYTHON, spark_version="3.5.5",
             image="docker.io/apache/spark:3.5.5", main_application_file="local:///opt/spark/pi.py",
             driver=SparkPodOptions(cores=0))
    result["raised"] = False
except Exception as e:  # jsii raises RuntimeError carrying the message
    message = str(e)
    parts = Errors.parse_validation_error_message(message)
    result = {
        "raised": True,
        "type": type(e).__name__,
        "isValidationErrorMessage": Errors.is_validation_error_message(message),
        "parts": None if parts is None else {
            "constructPath": parts.construct_path, "field": parts.field, "value": parts.value, "accepted": parts.accepted,
        },
    }
result["otherError"] = Errors.is_validation_error_message("Cannot read properties of undefined (reading 'forEach')")
json.dump(result, sys.stdout)
