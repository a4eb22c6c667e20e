// The Go examples: examples/spark-pi, llm-serving and llm-finetune-lora written against the library's Go binding.
//
//	go run . [spark-pi] [llm-serving] [llm-finetune-lora]   # each writes dist/<name>.k8s.yaml (or $CDK8S_OUTDIR)
//
// go.mod points the library and the cdk8s / cdk8s-plus-28 bindings at ../../dist/go, where `npx projen package:go`
// generates them (scripts/go-binding.sh prints a cached copy).
package main

import (
	"fmt"
	"os"
)

var examples = map[string]func(){
	"spark-pi":          SparkPi,
	"llm-serving":       LlmServing,
	"llm-finetune-lora": LlmFineTuneLora,
}

func main() {
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"spark-pi", "llm-serving", "llm-finetune-lora"}
	}
	for _, name := range names {
		run, ok := examples[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "no Go example %q\n", name)
			os.Exit(2)
		}
		run()
	}
}
