package io.qat4j.training.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scores of predictions against true labels: top-1 accuracy for classification; mean absolute
 * error and root-mean-square error over all predicted values for regression (MoleculeNet's
 * metrics, Wu et al., Chemical Science 2018). Scores that do not apply to the task are NaN. A
 * network's scores also hold the mean of its loss function over the scored examples
 * ({@link Evaluator#evaluate}), which model selection ranks by (the validation loss of
 * camlsys/degree-quant's {@code train_eval.py}); scores of predictions alone (the int8 executor's)
 * have none.
 *
 * @param kind the task
 * @param examples scored examples
 * @param accuracy share of correct classes (classification)
 * @param mae mean of {@code |prediction - target|} (regression)
 * @param rmse {@code sqrt(mean((prediction - target)^2))} (regression)
 * @param loss mean loss of the network over the scored examples, without regularization; NaN when
 *     not computed
 */
public record TaskMetrics(TaskKind kind, int examples, double accuracy, double mae, double rmse, double loss) {

    /**
     * Scores without a loss.
     *
     * @param kind the task
     * @param examples scored examples
     * @param accuracy share of correct classes (classification)
     * @param mae mean absolute error (regression)
     * @param rmse root-mean-square error (regression)
     */
    public TaskMetrics(TaskKind kind, int examples, double accuracy, double mae, double rmse) {
        this(kind, examples, accuracy, mae, rmse, Double.NaN);
    }

    /**
     * @param meanLoss the mean loss over the same examples
     * @return these scores with the loss
     */
    public TaskMetrics withLoss(double meanLoss) {
        return new TaskMetrics(kind, examples, accuracy, mae, rmse, meanLoss);
    }

    /**
     * @param predicted a model's predictions
     * @param truth the true labels of the same examples
     * @return the scores; NaN scores for an empty set
     */
    public static TaskMetrics of(Predictions predicted, Predictions truth) {
        predicted.checkComparable(truth);
        int n = predicted.count();
        if (predicted.kind() == TaskKind.CLASSIFICATION) {
            return new TaskMetrics(TaskKind.CLASSIFICATION, n, predicted.agreement(truth), Double.NaN, Double.NaN);
        }
        double[] p = predicted.values();
        double[] t = truth.values();
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            abs += Math.abs(d);
            sq += d * d;
        }
        double mae = p.length == 0 ? Double.NaN : abs / p.length;
        double rmse = p.length == 0 ? Double.NaN : Math.sqrt(sq / p.length);
        return new TaskMetrics(TaskKind.REGRESSION, n, Double.NaN, mae, rmse);
    }

    /**
     * The scores that apply to the task, by name: {@code accuracy}, or {@code mae} and {@code rmse},
     * then {@code loss} when it was computed.
     * These names appear in TensorBoard tags ({@code eval/test_<name>}), {@code metrics.json}
     * ({@code test<Name>}) and progress lines.
     *
     * @return name to value, in a fixed order
     */
    public Map<String, Double> named() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (kind == TaskKind.CLASSIFICATION) {
            m.put("accuracy", accuracy);
        } else {
            m.put("mae", mae);
            m.put("rmse", rmse);
        }
        if (!Double.isNaN(loss)) {
            m.put("loss", loss);
        }
        return m;
    }

    /** @return the score that ranks models: accuracy (higher is better) or MAE (lower is better) */
    public double primary() {
        return kind == TaskKind.CLASSIFICATION ? accuracy : mae;
    }

    /** @return e.g. {@code "acc 92.98%"} or {@code "MAE 0.5812  RMSE 0.7710"} */
    public String summary() {
        return kind == TaskKind.CLASSIFICATION
                ? String.format(java.util.Locale.ROOT, "acc %.2f%%", 100 * accuracy)
                : String.format(java.util.Locale.ROOT, "MAE %.4f  RMSE %.4f", mae, rmse);
    }
}
