package io.qat4j.training.config;

import io.qat4j.graph.layers.DegreeQuantMask;

/**
 * {@code quantization.degreeQuant}: the protection probabilities of Degree-Quant (Tailor,
 * Fernandez-Marques, Lane, ICLR 2021), {@code p = pMin + (pMax - pMin) * CDF_indeg(d)} per node
 * and forward pass ({@link DegreeQuantMask}). Read only when {@code quantization.method} is
 * {@code degree-quant}.
 *
 * @param pMin protection probability of the lowest in-degree
 * @param pMax protection probability of the highest in-degree
 */
public record DegreeQuantConfig(double pMin, double pMax) {

    /** Checks {@code 0 <= pMin <= pMax <= 1}. */
    public DegreeQuantConfig {
        new DegreeQuantMask(pMin, pMax);
    }

    /**
     * The reference code's setting for a bit width (camlsys/degree-quant on REDDIT-BINARY): INT4
     * and below {@code [0.1, 0.2]}, wider {@code [0, 0.1]} (INT8).
     *
     * @param bits the activation bit width
     * @return the default probabilities
     */
    public static DegreeQuantConfig defaultFor(int bits) {
        DegreeQuantMask m = bits <= 4 ? DegreeQuantMask.INT4 : DegreeQuantMask.INT8;
        return new DegreeQuantConfig(m.pMin(), m.pMax());
    }

    /** @return the mask drawer of these probabilities */
    public DegreeQuantMask mask() {
        return new DegreeQuantMask(pMin, pMax);
    }
}
