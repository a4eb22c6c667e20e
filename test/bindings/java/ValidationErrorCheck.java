import io.github.cdk8saiplatform.Errors;
import io.github.cdk8saiplatform.SparkApplicationType;
import io.github.cdk8saiplatform.SparkJob;
import io.github.cdk8saiplatform.SparkPodOptions;
import io.github.cdk8saiplatform.ValidationErrorParts;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;

/**
 * A Java user catches the library's validation error: jsii raises a RuntimeException (JsiiError) carrying the
 * message, which the library's Errors helpers recognise and parse. Prints the outcome as JSON.
 */
public final class ValidationErrorCheck {
    private static String str(final String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    public static void main(final String[] args) {
        App app = new App();
        Chart chart = new Chart(app, "jobs", ChartProps.builder().namespace("spark-jobs").build());
        StringBuilder json = new StringBuilder("{");
        try {
            SparkJob.Builder.create(chart, "pi")
                    .name("pi")
                    .type(SparkApplicationType.PYTHON)
                    .sparkVersion("3.5.5")
                    .image("docker.io/apache/spark:3.5.5")
                    .mainApplicationFile("local:///opt/spark/pi.py")
                    .driver(SparkPodOptions.builder().cores(0).build())
                    .build();
            json.append("\"raised\":false");
        } catch (RuntimeException e) {
            String message = e.getMessage();
            ValidationErrorParts parts = Errors.parseValidationErrorMessage(message);
            json.append("\"raised\":true,\"type\":").append(str(e.getClass().getSimpleName()));
            json.append(",\"isValidationErrorMessage\":").append(Errors.isValidationErrorMessage(message));
            json.append(",\"parts\":");
            if (parts == null) {
                json.append("null");
            } else {
                json.append("{\"constructPath\":").append(str(parts.getConstructPath()))
                        .append(",\"field\":").append(str(parts.getField()))
                        .append(",\"value\":").append(str(parts.getValue()))
                        .append(",\"accepted\":").append(str(parts.getAccepted())).append("}");
            }
        }
        json.append(",\"otherError\":").append(Errors.isValidationErrorMessage("Cannot read properties of undefined (reading 'forEach')"));
        json.append("}");
        System.out.println(json);
    }
}
