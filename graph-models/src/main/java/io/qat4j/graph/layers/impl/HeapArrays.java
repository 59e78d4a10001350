package io.qat4j.graph.layers.impl;

import io.qat4j.quant.math.FloatKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between ND4J arrays and Java arrays in C order, for the flat loops of the graph layers
 * (message passing, pooling, attention), which run on the heap where the JIT vectorizes them.
 */
public final class HeapArrays {

    private HeapArrays() {
    }

    /**
     * @param x a FLOAT array
     * @return its values in C order
     */
    public static float[] floats(INDArray x) {
        return x.length() == 0 ? new float[0] : FloatKernels.read(FloatKernels.contiguous(x));
    }

    /**
     * @param x any array
     * @return its values in C order, as doubles
     */
    public static double[] doubles(INDArray x) {
        return x.length() == 0 ? new double[0] : x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /**
     * @param v values in C order
     * @param rows rows
     * @param cols columns
     * @return a {@code [rows, cols]} FLOAT array holding them
     */
    public static INDArray matrix(float[] v, long rows, long cols) {
        if (v.length == 0) {
            return Nd4j.create(DataType.FLOAT, rows, cols);
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        FloatKernels.write(v, a);
        return a;
    }

    /**
     * @param v values in C order
     * @param rows rows
     * @param cols columns
     * @param dataType the result's type
     * @return a {@code [rows, cols]} array holding them
     */
    public static INDArray matrix(double[] v, long rows, long cols, DataType dataType) {
        INDArray a = v.length == 0 ? Nd4j.create(DataType.DOUBLE, rows, cols) : Nd4j.create(v, new long[] {rows, cols}, 'c');
        return a.castTo(dataType);
    }

    /**
     * @param v values
     * @param dataType the result's type
     * @return a {@code [v.length, 1]} column holding them
     */
    public static INDArray column(double[] v, DataType dataType) {
        return matrix(v, v.length, 1, dataType);
    }
}
