package io.github.cdk8saiplatform.examples;

import io.github.cdk8saiplatform.Accelerator;
import io.github.cdk8saiplatform.ComputeResources;
import io.github.cdk8saiplatform.FineTuning;
import io.github.cdk8saiplatform.FineTuningStorage;
import io.github.cdk8saiplatform.HuggingFaceDataset;
import io.github.cdk8saiplatform.HuggingFaceModel;
import io.github.cdk8saiplatform.LoraBias;
import io.github.cdk8saiplatform.LoraSettings;
import io.github.cdk8saiplatform.Memory;
import io.github.cdk8saiplatform.NvidiaGpuOptions;
import io.github.cdk8saiplatform.StorageAccessMode;
import io.github.cdk8saiplatform.TransformerType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.plus28.Cpu;
import software.constructs.Construct;

/**
 * The reference talk's fine-tune in Java: examples/llm-finetune-lora/main.ts with the library's Java binding. It
 * synthesizes the same YAML byte for byte (test/bindings/java.test.ts).
 */
public final class LlmFineTuneLora {
    public static final class LlmFineTuneLoraChart extends Chart {
        public LlmFineTuneLoraChart(final Construct scope, final String id) {
            super(scope, id, ChartProps.builder().namespace("ml-team").build());

            // A LinkedHashMap keeps the arguments in the order written, as the TypeScript object literal does.
            Map<String, Object> trainingArguments = new LinkedHashMap<>();
            trainingArguments.put("output_dir", "/workspace/test_trainer");
            trainingArguments.put("save_strategy", "no");
            trainingArguments.put("evaluation_strategy", "no");
            trainingArguments.put("do_eval", false);
            trainingArguments.put("disable_tqdm", true);
            trainingArguments.put("log_level", "info");

            FineTuning.Builder.create(this, "bert-lora")
                    .name("fine-tune-bert")
                    .workers(1)
                    .processesPerWorker(1)
                    .model(HuggingFaceModel.builder()
                            .uri("hf://google-bert/bert-base-cased")
                            .transformerType(TransformerType.SEQUENCE_CLASSIFICATION)
                            .build())
                    .storage(FineTuningStorage.builder().accessModes(List.of(StorageAccessMode.READ_WRITE_ONCE)).build())
                    .dataset(HuggingFaceDataset.builder().repoId("yelp_review_full").split("train[:3000]").build())
                    .trainingArguments(trainingArguments)
                    .lora(LoraSettings.builder().r(8).alpha(8).dropout(0.1).bias(LoraBias.NONE).build())
                    .resourcesPerWorker(ComputeResources.builder()
                            .cpu(Cpu.units(5))
                            .memory(Memory.gigabytes(10))
                            .accelerator(Accelerator.nvidia(NvidiaGpuOptions.builder().count(1).build()))
                            .build())
                    .sharedMemory(false) // train() mounts no /dev/shm
                    .build();
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        new LlmFineTuneLoraChart(app, "llm-finetune-lora");
        app.synth();
    }
}
