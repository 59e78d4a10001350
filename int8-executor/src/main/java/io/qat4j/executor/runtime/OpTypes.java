package io.qat4j.executor.runtime;

/**
 * The operators of an int8 artifact and the names of their integer attributes. Shapes are per
 * example (no batch dimension); images are {@code [C, H, W]}, vectors {@code [K]}.
 *
 * <ul>
 *   <li>{@value #CONV2D}: inputs {@code x, weights [O, I/groups, KH, KW], bias int32 [O]};
 *       attributes {@value #IN_SHAPE}, {@value #KERNEL}, {@value #STRIDE}, {@value #DILATION},
 *       {@value #PAD} (top, left, bottom, right), {@value #GROUPS}, {@value #INPUT_ZERO_POINT},
 *       {@value #MULTIPLIERS}, {@value #SHIFTS}, {@value #OUTPUT_ZERO_POINT}, {@value #CLAMP}.</li>
 *   <li>{@value #FULLY_CONNECTED}: inputs {@code x [K], weights [O, K], bias [O]}; attributes
 *       {@value #INPUT_ZERO_POINT}, {@value #MULTIPLIERS}, {@value #SHIFTS},
 *       {@value #OUTPUT_ZERO_POINT}, {@value #CLAMP}.</li>
 *   <li>{@value #FULLY_CONNECTED_LOGITS}: as fully connected, output int32 accumulators plus bias,
 *       whose tensor carries the per-channel scales {@code S_in * S_w[c]} for dequantization.</li>
 *   <li>{@value #MAX_POOL2D}: {@value #IN_SHAPE}, {@value #KERNEL}, {@value #STRIDE}, {@value #PAD}.</li>
 *   <li>{@value #AVG_POOL2D}: as max pool plus {@value #INPUT_ZERO_POINT}, {@value #MULTIPLIERS}
 *       and {@value #SHIFTS} (entry {@code n-1} for windows of {@code n} values), {@value #OUTPUT_ZERO_POINT}.</li>
 *   <li>{@value #GLOBAL_AVG_POOL}: {@value #IN_SHAPE}, {@value #INPUT_ZERO_POINT}, {@value #MULTIPLIERS}
 *       and {@value #SHIFTS} (one entry), {@value #OUTPUT_ZERO_POINT}, {@value #CLAMP}.</li>
 *   <li>{@value #ADD}: inputs {@code a, b}; attribute {@value #ADD_PARAMS}: the eleven integers of
 *       TFLite's quantized add (zero points, multipliers and shifts of both inputs, left shift,
 *       output multiplier, shift and zero point, clamp min and max).</li>
 * </ul>
 */
public final class OpTypes {

    private OpTypes() {
    }

    /** 2-D convolution with per-channel requantization. */
    public static final String CONV2D = "conv2d";
    /** Fully connected layer with per-channel requantization. */
    public static final String FULLY_CONNECTED = "fully_connected";
    /** Fully connected layer producing int32 logits. */
    public static final String FULLY_CONNECTED_LOGITS = "fully_connected_logits";
    /** 2-D max pooling. */
    public static final String MAX_POOL2D = "max_pool2d";
    /** 2-D average pooling with requantization. */
    public static final String AVG_POOL2D = "avg_pool2d";
    /** Global average pooling with requantization. */
    public static final String GLOBAL_AVG_POOL = "global_avg_pool";
    /** Element-wise add of two rescaled inputs. */
    public static final String ADD = "add";

    /** Input shape {@code [C, H, W]}. */
    public static final String IN_SHAPE = "in_shape";
    /** Kernel height and width. */
    public static final String KERNEL = "kernel";
    /** Stride height and width. */
    public static final String STRIDE = "stride";
    /** Dilation height and width. */
    public static final String DILATION = "dilation";
    /** Padding top, left, bottom, right. */
    public static final String PAD = "pad";
    /** Convolution groups. */
    public static final String GROUPS = "groups";
    /** Input zero point. */
    public static final String INPUT_ZERO_POINT = "input_zero_point";
    /** Per-channel (or per-window-size) Q31 multipliers. */
    public static final String MULTIPLIERS = "multipliers";
    /** Per-channel shifts (positive = left). */
    public static final String SHIFTS = "shifts";
    /** Output zero point. */
    public static final String OUTPUT_ZERO_POINT = "output_zero_point";
    /** Activation clamp {@code [min, max]} in output codes. */
    public static final String CLAMP = "clamp";
    /** The integers of a quantized add. */
    public static final String ADD_PARAMS = "add_params";
}
