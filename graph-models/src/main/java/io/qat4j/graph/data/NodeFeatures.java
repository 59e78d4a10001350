package io.qat4j.graph.data;

/**
 * The node features of the TU and GIN text formats, built the same way for both: the node's
 * label (TU) or tag (GIN) one-hot over the distinct values seen, in ascending order, followed by
 * its attributes when the dataset has them; one constant feature 1 when it has neither (as PyG's
 * {@code Constant} transform, for datasets such as REDDIT-BINARY in TU form, where graph structure
 * is all there is).
 */
final class NodeFeatures {

    private final int[] codes;
    private final int labelWidth;
    private final float[][] attributes;
    private final int width;

    private NodeFeatures(int[] codes, int labelWidth, float[][] attributes, int width) {
        this.codes = codes;
        this.labelWidth = labelWidth;
        this.attributes = attributes;
        this.width = width;
    }

    /**
     * @param nodeCount number of nodes of the dataset
     * @param labels the label of every node, or null
     * @param attributes the attributes of every node, all of one length, or null
     * @return the features
     */
    static NodeFeatures of(int nodeCount, int[] labels, float[][] attributes) {
        int[] codes = null;
        int labelWidth = 0;
        if (labels != null) {
            SortedCodes values = new SortedCodes(labels);
            codes = new int[nodeCount];
            for (int i = 0; i < nodeCount; i++) {
                codes[i] = values.code(labels[i]);
            }
            labelWidth = values.size();
        }
        int attributeWidth = attributes == null || nodeCount == 0 ? 0 : attributes[0].length;
        return new NodeFeatures(codes, labelWidth, attributes, Math.max(1, labelWidth + attributeWidth));
    }

    /** @return features per node */
    int width() {
        return width;
    }

    /** @return true when the nodes have neither labels nor attributes: one constant feature 1 */
    boolean constant() {
        return codes == null && (attributes == null || attributes.length == 0 || attributes[0].length == 0);
    }

    /**
     * @param first the first node
     * @param count number of nodes
     * @return their features, row-major {@code [count x width()]}
     */
    float[] rows(int first, int count) {
        float[] x = new float[count * width];
        for (int i = 0; i < count; i++) {
            int row = i * width;
            if (constant()) {
                x[row] = 1f;
                continue;
            }
            if (codes != null) {
                x[row + codes[first + i]] = 1f;
            }
            if (attributes != null) {
                System.arraycopy(attributes[first + i], 0, x, row + labelWidth, attributes[first + i].length);
            }
        }
        return x;
    }
}
