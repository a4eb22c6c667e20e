package io.github.cdk8saiplatform.examples;

import io.github.cdk8saiplatform.Accelerator;
import io.github.cdk8saiplatform.ComputeResources;
import io.github.cdk8saiplatform.InferenceService;
import io.github.cdk8saiplatform.Memory;
import io.github.cdk8saiplatform.ModelFormat;
import io.github.cdk8saiplatform.ModelPredictorOptions;
import io.github.cdk8saiplatform.NvidiaGpuOptions;
import io.github.cdk8saiplatform.Predictor;
import java.util.List;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.plus28.Cpu;
import software.constructs.Construct;

/**
 * The reference talk's LLM service in Java: examples/llm-serving/main.ts with the library's Java binding. It
 * synthesizes the same YAML byte for byte (test/bindings/java.test.ts).
 */
public final class LlmServing {
    public static final class LlmServingChart extends Chart {
        public LlmServingChart(final Construct scope, final String id) {
            super(scope, id);

            InferenceService.Builder.create(this, "llama2")
                    .name("huggingface-llama2")
                    .predictor(Predictor.model(ModelPredictorOptions.builder()
                            .format(ModelFormat.huggingface())
                            .args(List.of("--model_name=llama2", "--model_id=meta-llama/Llama-2-7b-chat-hf"))
                            .resources(ComputeResources.builder()
                                    .cpu(Cpu.units(6))
                                    .memory(Memory.gibibytes(24))
                                    .accelerator(Accelerator.nvidia(NvidiaGpuOptions.builder().count(1).build()))
                                    .limitsEqualRequests(true)
                                    .build())
                            .build()))
                    .build();
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        new LlmServingChart(app, "llm-serving");
        app.synth();
    }
}
