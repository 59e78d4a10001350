package io.qat4j.training.family.gnn;

import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.training.family.cnn.Activation;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One entry of the {@code gnn} family's {@code model.layers}: a message-passing layer, dropout, the
 * graph read-out {@code pool}, or a fully connected layer on the pooled rows.
 */
public sealed interface GnnLayerConfig {

    /** @return the layer's type */
    GnnLayerType type();

    /**
     * A message-passing layer ({@link GnnLayerType#messagePassing()}: GCN, GIN or GAT).
     *
     * @param type a message-passing type
     * @param units output width per head ({@code >= 1})
     * @param activation applied to the layer's output
     * @param heads attention heads, 1 for types without ({@link GnnLayerType#multiHead()})
     * @param concat whether the heads are concatenated (true) or averaged; false for types without heads
     * @param bits this layer's width for weights and activations, 8 or 4, overriding
     *     {@code quantization.activations.bits} (mixed precision, e.g. the first layer at 8 bits in
     *     a 4-bit network), or empty for the global width
     */
    record Conv(GnnLayerType type, int units, Activation activation, int heads, boolean concat, OptionalInt bits)
            implements GnnLayerConfig {

        /** Checks the type, the extents and the width. */
        public Conv {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(activation, "activation");
            Objects.requireNonNull(bits, "bits");
            if (bits.isPresent() && bits.getAsInt() != 8 && bits.getAsInt() != 4) {
                throw new IllegalArgumentException(type.yamlName() + ": bits " + bits.getAsInt() + " (8 or 4)");
            }
            if (!type.messagePassing()) {
                throw new IllegalArgumentException(type.yamlName() + " is not a message-passing layer");
            }
            if (units < 1 || heads < 1 || (!type.multiHead() && (heads != 1 || concat))) {
                throw new IllegalArgumentException(type.yamlName() + ": units " + units + ", heads " + heads);
            }
        }

        /** @return the width of the layer's output: units times heads when the heads are concatenated */
        public int outputWidth() {
            return concat ? units * heads : units;
        }

        /**
         * @param network the quantization of the network's graph layers
         * @return this layer's: the network's, at {@link #bits()} when given
         */
        public GnnQuantSettings quant(GnnQuantSettings network) {
            return bits.isPresent() ? network.withBits(bits.getAsInt()) : network;
        }
    }

    /**
     * Dropout on node features.
     *
     * @param rate probability of dropping a value, in {@code [0, 1)}
     */
    record Dropout(double rate) implements GnnLayerConfig {

        /** Checks the rate. */
        public Dropout {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
            }
        }

        @Override
        public GnnLayerType type() {
            return GnnLayerType.DROPOUT;
        }
    }

    /**
     * The graph read-out: the node rows of each graph pooled into one row ({@code [N, H]} to
     * {@code [G, H]}).
     *
     * @param op sum, mean or max
     */
    record Pool(GnnPoolOp op) implements GnnLayerConfig {

        /** Checks the operation. */
        public Pool {
            Objects.requireNonNull(op, "op");
        }

        @Override
        public GnnLayerType type() {
            return GnnLayerType.POOL;
        }
    }

    /**
     * A fully connected layer on the pooled graph rows.
     *
     * @param units output width ({@code >= 1})
     * @param activation applied to the output
     */
    record Dense(int units, Activation activation) implements GnnLayerConfig {

        /** Checks the width. */
        public Dense {
            Objects.requireNonNull(activation, "activation");
            if (units < 1) {
                throw new IllegalArgumentException("dense: units " + units);
            }
        }

        @Override
        public GnnLayerType type() {
            return GnnLayerType.DENSE;
        }
    }
}
