import io.github.cdk8saiplatform.examples.LlmFineTuneLora;
import io.github.cdk8saiplatform.examples.LlmServing;
import io.github.cdk8saiplatform.examples.SparkPi;

/** Runs the Java examples named on the command line in one JVM; each synthesizes into $CDK8S_OUTDIR. */
public final class RunExamples {
    public static void main(final String[] args) {
        for (String name : args) {
            switch (name) {
                case "spark-pi": SparkPi.main(new String[0]); break;
                case "llm-serving": LlmServing.main(new String[0]); break;
                case "llm-finetune-lora": LlmFineTuneLora.main(new String[0]); break;
                default: throw new IllegalArgumentException("no Java example " + name);
            }
        }
    }
}
