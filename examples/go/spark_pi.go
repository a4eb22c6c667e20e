package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	aip "github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2"
)

// NewSparkPiChart is the talk's pyspark-pi: examples/spark-pi/main.ts with the library's Go binding. It synthesizes
// the same YAML byte for byte (test/bindings/go.test.ts).
func NewSparkPiChart(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), &cdk8s.ChartProps{Namespace: jsii.String("spark-jobs")})

	aip.NewSparkJob(chart, jsii.String("pyspark-pi"), &aip.SparkJobProps{
		Name:                jsii.String("pyspark-pi"),
		Type:                aip.SparkApplicationType_PYTHON,
		SparkVersion:        jsii.String("3.1.1"),
		Image:               jsii.String("gcr.io/spark-operator/spark-py:v3.1.1"),
		ImagePullPolicy:     cdk8splus28.ImagePullPolicy_ALWAYS,
		MainApplicationFile: jsii.String("local:///opt/spark/examples/src/main/python/pi.py"),
		RestartPolicy: aip.SparkRestartPolicy_OnFailure(&aip.SparkOnFailureRestartOptions{
			Retries:       jsii.Number(3),
			RetryInterval: cdk8s.Duration_Seconds(jsii.Number(10)),
		}),
		Driver: &aip.SparkPodOptions{
			Cores:     jsii.Number(1),
			CoreLimit: cdk8splus28.Cpu_Millis(jsii.Number(1200)),
			Memory:    cdk8s.Size_Mebibytes(jsii.Number(512)),
		},
		Executor: &aip.SparkExecutorOptions{
			Cores:     jsii.Number(1),
			Instances: jsii.Number(1),
			Memory:    cdk8s.Size_Mebibytes(jsii.Number(512)),
		},
	})
	return chart
}

// SparkPi synthesizes the example (`go run . spark-pi` writes dist/spark-pi.k8s.yaml).
func SparkPi() {
	app := cdk8s.NewApp(nil)
	NewSparkPiChart(app, "spark-pi")
	app.Synth()
}
