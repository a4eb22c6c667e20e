"""The reference talk's fine-tune in Python: examples/llm-finetune-lora/main.ts with the library's Python binding.
It synthesizes the same YAML byte for byte (test/bindings/examples.test.ts).

    python examples/python/llm_finetune_lora.py   # writes dist/llm-finetune-lora.k8s.yaml
"""
from cdk8s import App, Chart
from cdk8s_plus_28 import Cpu
from constructs import Construct

from cdk8s_ai_platform import (
    Accelerator,
    ComputeResources,
    FineTuning,
    FineTuningStorage,
    HuggingFaceDataset,
    HuggingFaceModel,
    LoraBias,
    LoraSettings,
    Memory,
    StorageAccessMode,
    TransformerType,
)


class LlmFineTuneLoraChart(Chart):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id, namespace="ml-team")

        FineTuning(
            self, "bert-lora",
            name="fine-tune-bert",
            workers=1,
            processes_per_worker=1,
            model=HuggingFaceModel(uri="hf://google-bert/bert-base-cased", transformer_type=TransformerType.SEQUENCE_CLASSIFICATION),
            storage=FineTuningStorage(access_modes=[StorageAccessMode.READ_WRITE_ONCE]),
            dataset=HuggingFaceDataset(repo_id="yelp_review_full", split="train[:3000]"),
            training_arguments={
                "output_dir": "/workspace/test_trainer", "save_strategy": "no", "evaluation_strategy": "no",
                "do_eval": False, "disable_tqdm": True, "log_level": "info",
            },
            lora=LoraSettings(r=8, alpha=8, dropout=0.1, bias=LoraBias.NONE),
            resources_per_worker=ComputeResources(
                cpu=Cpu.units(5), memory=Memory.gigabytes(10), accelerator=Accelerator.nvidia(count=1),
            ),
            shared_memory=False,  # train() mounts no /dev/shm
        )


def main() -> None:
    app = App()
    LlmFineTuneLoraChart(app, "llm-finetune-lora")
    app.synth()


if __name__ == "__main__":
    main()
