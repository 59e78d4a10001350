package io.qat4j.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Scores for classification and regression, and label masks, against sums written out by hand. */
class TaskMetricsTest {

    @Test
    void accuracyAndAgreementCountIdenticalClasses() {
        Predictions truth = Predictions.ofClasses(new int[] {0, 1, 2, 1});
        Predictions a = Predictions.ofClasses(new int[] {0, 1, 1, 1});
        Predictions b = Predictions.ofClasses(new int[] {0, 2, 1, 1});
        assertEquals(0.75, TaskMetrics.of(a, truth).accuracy());
        assertEquals(0.5, TaskMetrics.of(b, truth).accuracy());
        assertEquals(0.75, a.agreement(b));
        assertTrue(Double.isNaN(TaskMetrics.of(a, truth).mae()));
    }

    @Test
    void maeAndRmseOverEveryValueMatchTheirDefinitions() {
        Random r = new Random(11);
        int n = 57;
        int k = 3;
        double[] p = new double[n * k];
        double[] t = new double[n * k];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextGaussian();
            t[i] = r.nextGaussian();
        }
        TaskMetrics m = TaskMetrics.of(Predictions.ofValues(k, p), Predictions.ofValues(k, t));
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < p.length; i++) {
            abs += Math.abs(p[i] - t[i]);
            sq += (p[i] - t[i]) * (p[i] - t[i]);
        }
        assertEquals(abs / (n * k), m.mae(), 1e-12);
        assertEquals(Math.sqrt(sq / (n * k)), m.rmse(), 1e-12);
        assertTrue(m.rmse() >= m.mae(), "RMSE >= MAE (Jensen)");
        assertEquals(List.of("mae", "rmse"), List.copyOf(m.named().keySet()));
        assertTrue(Double.isNaN(m.accuracy()));
    }

    @Test
    void predictionsOfDifferentShapesAreNotCompared() {
        assertThrows(IllegalArgumentException.class,
                () -> TaskMetrics.of(Predictions.ofClasses(new int[2]), Predictions.ofClasses(new int[3])));
        assertThrows(IllegalArgumentException.class,
                () -> TaskMetrics.of(Predictions.ofValues(1, new double[2]), Predictions.ofClasses(new int[2])));
    }

    /** A node-level set: one batch of 5 rows of which the mask scores rows 1 and 3. */
    @Test
    void evaluatorScoresOnlyTheRowsTheLabelMaskSelects() {
        float[][] outputs = {{0, 1}, {2, 1}, {0, 3}, {0, 5}, {4, 0}};
        MultiDataSet d = new org.nd4j.linalg.dataset.MultiDataSet(Nd4j.createFromArray(outputs), Nd4j.createFromArray(new float[][] {
                {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}}), null, Nd4j.createFromArray(new float[][] {{0}, {1}, {0}, {1}, {0}}));
        EvaluationSet set = new EvaluationSet() {
            @Override
            public TaskKind kind() {
                return TaskKind.CLASSIFICATION;
            }

            @Override
            public int count() {
                return 2;
            }

            @Override
            public Predictions truth() {
                return Predictions.ofClasses(new int[] {0, 0});
            }

            @Override
            public List<String> inputNames() {
                return List.of("input");
            }

            @Override
            public Iterable<MultiDataSet> batches(int batchSize) {
                return List.of(d);
            }
        };
        // the "model" returns the features as its outputs
        Predictions p = Evaluator.predict(set, m -> m.getFeatures(0));
        assertEquals(Predictions.ofClasses(new int[] {0, 1}), p);
        assertEquals(0.5, TaskMetrics.of(p, set.truth()).accuracy());
    }

    @Test
    void argMaxTakesTheFirstMaximum() {
        assertEquals(1, Evaluator.argMax(new double[] {0, 3, 3, 1}));
        assertEquals(0, Evaluator.argMax(new double[] {-1}));
    }
}
