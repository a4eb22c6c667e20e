"""The reference talk's LLM service in Python: examples/llm-serving/main.ts with the library's Python binding. It
synthesizes the same YAML byte for byte (test/bindings/examples.test.ts).

    python examples/python/llm_serving.py     # writes dist/llm-serving.k8s.yaml
"""
from cdk8s import App, Chart
from cdk8s_plus_28 import Cpu
from constructs import Construct

from cdk8s_ai_platform import (
    Accelerator,
    ComputeResources,
    InferenceService,
    Memory,
    ModelFormat,
    Predictor,
)


class LlmServingChart(Chart):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)

        InferenceService(
            self, "llama2",
            name="huggingface-llama2",
            predictor=Predictor.model(
                format=ModelFormat.huggingface(),
                args=["--model_name=llama2", "--model_id=meta-llama/Llama-2-7b-chat-hf"],
                resources=ComputeResources(
                    cpu=Cpu.units(6),
                    memory=Memory.gibibytes(24),
                    accelerator=Accelerator.nvidia(count=1),
                    limits_equal_requests=True,
                ),
            ),
        )


def main() -> None:
    app = App()
    LlmServingChart(app, "llm-serving")
    app.synth()


if __name__ == "__main__":
    main()
