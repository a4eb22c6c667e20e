package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	aip "github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2"
)

// NewLlmServingChart is the reference talk's LLM service: examples/llm-serving/main.ts with the library's Go
// binding. It synthesizes the same YAML byte for byte (test/bindings/go.test.ts).
func NewLlmServingChart(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), nil)

	aip.NewInferenceService(chart, jsii.String("llama2"), &aip.InferenceServiceProps{
		Name: jsii.String("huggingface-llama2"),
		Predictor: aip.Predictor_Model(&aip.ModelPredictorOptions{
			Format: aip.ModelFormat_Huggingface(nil),
			Args:   jsii.Strings("--model_name=llama2", "--model_id=meta-llama/Llama-2-7b-chat-hf"),
			Resources: &aip.ComputeResources{
				Cpu:                 cdk8splus28.Cpu_Units(jsii.Number(6)),
				Memory:              aip.Memory_Gibibytes(jsii.Number(24)),
				Accelerator:         aip.Accelerator_Nvidia(&aip.NvidiaGpuOptions{Count: jsii.Number(1)}),
				LimitsEqualRequests: jsii.Bool(true),
			},
		}),
	})
	return chart
}

// LlmServing synthesizes the example (`go run . llm-serving` writes dist/llm-serving.k8s.yaml).
func LlmServing() {
	app := cdk8s.NewApp(nil)
	NewLlmServingChart(app, "llm-serving")
	app.Synth()
}
