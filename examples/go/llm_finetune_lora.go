package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	aip "github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2"
)

// NewLlmFineTuneLoraChart is the reference talk's fine-tune: examples/llm-finetune-lora/main.ts with the library's
// Go binding. It synthesizes the same YAML byte for byte (test/bindings/go.test.ts).
func NewLlmFineTuneLoraChart(scope constructs.Construct, id string) cdk8s.Chart {
	chart := cdk8s.NewChart(scope, jsii.String(id), &cdk8s.ChartProps{Namespace: jsii.String("ml-team")})

	aip.NewFineTuning(chart, jsii.String("bert-lora"), &aip.FineTuningProps{
		Name:               jsii.String("fine-tune-bert"),
		Workers:            jsii.Number(1),
		ProcessesPerWorker: jsii.Number(1),
		Model: &aip.HuggingFaceModel{
			Uri:             jsii.String("hf://google-bert/bert-base-cased"),
			TransformerType: aip.TransformerType_SEQUENCE_CLASSIFICATION,
		},
		Storage: &aip.FineTuningStorage{AccessModes: &[]aip.StorageAccessMode{aip.StorageAccessMode_READ_WRITE_ONCE}},
		Dataset: &aip.HuggingFaceDataset{RepoId: jsii.String("yelp_review_full"), Split: jsii.String("train[:3000]")},
		TrainingArguments: &map[string]interface{}{
			"output_dir":          "/workspace/test_trainer",
			"save_strategy":       "no",
			"evaluation_strategy": "no",
			"do_eval":             false,
			"disable_tqdm":        true,
			"log_level":           "info",
		},
		Lora: &aip.LoraSettings{R: jsii.Number(8), Alpha: jsii.Number(8), Dropout: jsii.Number(0.1), Bias: aip.LoraBias_NONE},
		ResourcesPerWorker: &aip.ComputeResources{
			Cpu:         cdk8splus28.Cpu_Units(jsii.Number(5)),
			Memory:      aip.Memory_Gigabytes(jsii.Number(10)),
			Accelerator: aip.Accelerator_Nvidia(&aip.NvidiaGpuOptions{Count: jsii.Number(1)}),
		},
		SharedMemory: jsii.Bool(false), // train() mounts no /dev/shm
	})
	return chart
}

// LlmFineTuneLora synthesizes the example (`go run . llm-finetune-lora` writes dist/llm-finetune-lora.k8s.yaml).
func LlmFineTuneLora() {
	app := cdk8s.NewApp(nil)
	NewLlmFineTuneLoraChart(app, "llm-finetune-lora")
	app.Synth()
}
