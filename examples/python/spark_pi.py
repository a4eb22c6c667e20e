"""The talk's pyspark-pi in Python: examples/spark-pi/main.ts with the library's Python binding. It synthesizes the
same YAML byte for byte (test/bindings/examples.test.ts).

    python examples/python/spark_pi.py        # writes dist/spark-pi.k8s.yaml
"""
from cdk8s import App, Chart, Duration, Size
from cdk8s_plus_28 import Cpu, ImagePullPolicy
from constructs import Construct

from cdk8s_ai_platform import (
    SparkApplicationType,
    SparkExecutorOptions,
    SparkJob,
    SparkPodOptions,
    SparkRestartPolicy,
)


class SparkPiChart(Chart):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id, namespace="spark-jobs")

        SparkJob(
            self, "pyspark-pi",
            name="pyspark-pi",
            type=SparkApplicationType.PYTHON,
            spark_version="3.1.1",
            image="gcr.io/spark-operator/spark-py:v3.1.1",
            image_pull_policy=ImagePullPolicy.ALWAYS,
            main_application_file="local:///opt/spark/examples/src/main/python/pi.py",
            restart_policy=SparkRestartPolicy.on_failure(retries=3, retry_interval=Duration.seconds(10)),
            driver=SparkPodOptions(cores=1, core_limit=Cpu.millis(1200), memory=Size.mebibytes(512)),
            executor=SparkExecutorOptions(cores=1, instances=1, memory=Size.mebibytes(512)),
        )


def main() -> None:
    app = App()
    SparkPiChart(app, "spark-pi")
    app.synth()


if __name__ == "__main__":
    main()
