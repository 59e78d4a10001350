package io.qat4j.executor.kernel;

import static io.qat4j.executor.kernel.KernelTestSupport.activation;
import static io.qat4j.executor.kernel.KernelTestSupport.exactOutput;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.prep.GraphOpParams;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link AttentionLogits}: seeded random scores against the exact reference, int32 extremes, the int32 bound per edge. */
class AttentionLogitsTest {

    static byte[] reference(Requantization r, int heads, int[] src, int[] dst, int[] source, int[] target) {
        byte[] out = new byte[target.length * heads];
        for (int e = 0; e < target.length; e++) {
            for (int h = 0; h < heads; h++) {
                out[e * heads + h] = exactOutput((long) src[source[e] * heads + h] + dst[target[e] * heads + h], r, 0);
            }
        }
        return out;
    }

    @Test
    void randomScoresMatchTheExactReference() {
        Random rnd = new Random(23);
        for (int round = 0; round < 200; round++) {
            int heads = 1 + rnd.nextInt(4);
            int nodes = 1 + rnd.nextInt(15);
            int edges = rnd.nextInt(40);
            Requantization r = GraphOpParams.scatterAdd(Math.scalb(1 + rnd.nextDouble(), -12 - rnd.nextInt(8)),
                    activation(0.02 + rnd.nextDouble() * 0.2, rnd.nextInt(256) - 128), ActivationClamp.INT8);
            int[] src = new int[nodes * heads];
            int[] dst = new int[nodes * heads];
            for (int i = 0; i < src.length; i++) {
                src[i] = rnd.nextInt(1 << 20) - (1 << 19);
                dst[i] = rnd.nextInt(1 << 20) - (1 << 19);
            }
            int[] source = new int[edges];
            int[] target = new int[edges];
            for (int e = 0; e < edges; e++) {
                source[e] = rnd.nextInt(nodes);
                target[e] = rnd.nextInt(nodes);
            }
            byte[] out = new byte[edges * heads];
            AttentionLogits.run(r, "a", heads, src, dst, source, target, out);
            assertArrayEquals(reference(r, heads, src, dst, source, target), out, "round " + round);
        }
    }

    /** A sum of magnitude 2^31 - 1 requantizes; 2^31 fails the run naming the edge and head. */
    @Test
    void theInt32BoundOfTheSum() {
        Requantization r = Requantization.perTensor(1, new QuantizedMultiplier(1 << 30, -24), 0, ActivationClamp.INT8);
        int[] src = {Integer.MAX_VALUE - 5, -1_000_000_000};
        int[] dst = {5, -1_147_483_648};
        byte[] out = new byte[1];
        AttentionLogits.run(r, "a", 1, src, dst, new int[] {0}, new int[] {0}, out);
        assertArrayEquals(reference(r, 1, src, dst, new int[] {0}, new int[] {0}), out);
        assertEquals(64, out[0], "(2^31 - 1) 2^-25 rounds to 64");
        InputDataException e = assertThrows(InputDataException.class, () -> AttentionLogits.run(r, "attention_logits 'att'", 1, src,
                dst, new int[] {0, 1}, new int[] {0, 1}, new byte[2]));
        assertEquals("attention_logits 'att': edge 1 head 0 has the logit accumulator -2147483648, which times 2^0 exceeds 2^31 - 1",
                e.getMessage());
    }
}
