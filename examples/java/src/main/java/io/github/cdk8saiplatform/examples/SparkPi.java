package io.github.cdk8saiplatform.examples;

import io.github.cdk8saiplatform.SparkApplicationType;
import io.github.cdk8saiplatform.SparkExecutorOptions;
import io.github.cdk8saiplatform.SparkJob;
import io.github.cdk8saiplatform.SparkOnFailureRestartOptions;
import io.github.cdk8saiplatform.SparkPodOptions;
import io.github.cdk8saiplatform.SparkRestartPolicy;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.Duration;
import org.cdk8s.Size;
import org.cdk8s.plus28.Cpu;
import org.cdk8s.plus28.ImagePullPolicy;
import software.constructs.Construct;

/**
 * The talk's pyspark-pi in Java: examples/spark-pi/main.ts with the library's Java binding. It synthesizes the same
 * YAML byte for byte (test/bindings/java.test.ts).
 */
public final class SparkPi {
    public static final class SparkPiChart extends Chart {
        public SparkPiChart(final Construct scope, final String id) {
            super(scope, id, ChartProps.builder().namespace("spark-jobs").build());

            SparkJob.Builder.create(this, "pyspark-pi")
                    .name("pyspark-pi")
                    .type(SparkApplicationType.PYTHON)
                    .sparkVersion("3.1.1")
                    .image("gcr.io/spark-operator/spark-py:v3.1.1")
                    .imagePullPolicy(ImagePullPolicy.ALWAYS)
                    .mainApplicationFile("local:///opt/spark/examples/src/main/python/pi.py")
                    .restartPolicy(SparkRestartPolicy.onFailure(SparkOnFailureRestartOptions.builder()
                            .retries(3)
                            .retryInterval(Duration.seconds(10))
                            .build()))
                    .driver(SparkPodOptions.builder().cores(1).coreLimit(Cpu.millis(1200)).memory(Size.mebibytes(512)).build())
                    .executor(SparkExecutorOptions.builder().cores(1).instances(1).memory(Size.mebibytes(512)).build())
                    .build();
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        new SparkPiChart(app, "spark-pi");
        app.synth();
    }
}
