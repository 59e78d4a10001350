package io.qat4j.graph.layers;

import io.qat4j.graph.GraphInputs;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Degree-Quant's stochastic protective mask (Tailor, Fernandez-Marques and Lane, "Degree-Quant:
 * Quantization-Aware Training for Graph Neural Networks", ICLR 2021, section 4; camlsys/degree-quant
 * {@code dq/transforms.py} {@code ProbabilisticHighDegreeMask}): each training step, node {@code i}
 * runs in full precision with probability {@code p(i) = pMin + (pMax - pMin) * CDF(i)}, where
 * {@code CDF(i)} is the fraction of the nodes of i's own graph whose in-degree is at most i's (so
 * all nodes of one in-degree share one probability and the nodes of highest in-degree, whose
 * aggregates have the widest ranges, are protected most often). One Bernoulli draw per node per
 * forward pass, shared by every layer of the network, gives the {@value GraphInputs#PROTECT} input;
 * at evaluation no node is protected.
 *
 * @param pMin protection probability of the lowest-degree nodes, in {@code [0, 1]}
 * @param pMax protection probability of the highest-degree nodes, in {@code [pMin, 1]}
 */
public record DegreeQuantMask(double pMin, double pMax) {

    /** The reference's INT8 setting: {@code p} in {@code [0, 0.1]} ({@code --low 0.0 --change 0.1}). */
    public static final DegreeQuantMask INT8 = new DegreeQuantMask(0.0, 0.1);
    /** The reference's INT4 setting: {@code p} in {@code [0.1, 0.2]} ({@code --low 0.1 --change 0.1}). */
    public static final DegreeQuantMask INT4 = new DegreeQuantMask(0.1, 0.2);

    /** @throws IllegalArgumentException unless {@code 0 <= pMin <= pMax <= 1} */
    public DegreeQuantMask {
        if (!(pMin >= 0 && pMin <= pMax && pMax <= 1)) {
            throw new IllegalArgumentException("Degree-Quant protection probabilities need 0 <= pMin <= pMax <= 1, got pMin "
                    + pMin + ", pMax " + pMax);
        }
    }

    /**
     * @param bits activation bit width
     * @return {@link #INT8} for 8 bits, {@link #INT4} for 4 bits
     * @throws IllegalArgumentException for other widths (the reference sets no others)
     */
    public static DegreeQuantMask forBits(int bits) {
        return switch (bits) {
            case 8 -> INT8;
            case 4 -> INT4;
            default -> throw new IllegalArgumentException("Degree-Quant's protection probabilities are set for 8 and 4"
                    + " bits, not " + bits);
        };
    }

    /**
     * @param inDegreeCdf the node's in-degree CDF value within its graph, in {@code (0, 1]}
     * @return its protection probability
     */
    public double probability(double inDegreeCdf) {
        if (!(inDegreeCdf >= 0 && inDegreeCdf <= 1)) {
            throw new IllegalArgumentException("an in-degree CDF value lies in [0, 1], got " + inDegreeCdf);
        }
        return pMin + (pMax - pMin) * inDegreeCdf;
    }

    /**
     * Draws the mask of one training step.
     *
     * @param inDegreeCdf per node, the fraction of its graph's nodes whose in-degree is at most its own
     * @param random the step's generator; one {@code nextDouble} per node, in node order
     * @return the {@value GraphInputs#PROTECT} input {@code [N, 1]} FLOAT, 1 where protected
     */
    public INDArray draw(double[] inDegreeCdf, SplittableRandom random) {
        float[] v = new float[inDegreeCdf.length];
        drawInto(inDegreeCdf, 0, v.length, random, v);
        return v.length == 0 ? Nd4j.create(DataType.FLOAT, 0, 1) : Nd4j.create(v, new long[] {v.length, 1}, 'c');
    }

    /**
     * Draws the mask of nodes {@code from..to-1} (one graph of a batch, drawn from that graph's own
     * generator) into {@code out}, as {@link #draw(double[], SplittableRandom)} draws all nodes.
     *
     * @param inDegreeCdf per node of the batch, its in-degree CDF value within its graph
     * @param from the first node
     * @param to one past the last node
     * @param random the generator; one {@code nextDouble} per node, in node order
     * @param out the mask of the batch's nodes, written at {@code from..to-1}: 1 where protected, else 0
     */
    public void drawInto(double[] inDegreeCdf, int from, int to, SplittableRandom random, float[] out) {
        for (int i = from; i < to; i++) {
            out[i] = random.nextDouble() < probability(inDegreeCdf[i]) ? 1f : 0f;
        }
    }

    /**
     * @param inDegreeCdf per node, its in-degree CDF value within its graph
     * @param seed the step's seed
     * @return {@link #draw(double[], SplittableRandom)} from a generator seeded with {@code seed}
     */
    public INDArray draw(double[] inDegreeCdf, long seed) {
        return draw(inDegreeCdf, new SplittableRandom(seed));
    }

    /**
     * @param numNodes node count
     * @return the mask of evaluation (and of runs without Degree-Quant): no node protected
     */
    public static INDArray none(int numNodes) {
        return Nd4j.zeros(DataType.FLOAT, numNodes, 1);
    }
}
