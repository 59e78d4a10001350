package io.qat4j.executor.artifact;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Decodes the manifest of format version 1 or 2 (package documentation). Every count and length is checked
 * against its limit and against the bytes that remain before anything is allocated, so the
 * memory used is bounded by a small multiple of the manifest length. Remembers where each tensor,
 * op, attribute and graph list starts ({@link ManifestLocations}), to give the byte offset of a
 * graph invariant that fails later and of what the op definitions reject at load.
 */
final class ManifestDecoder {

    private static final int MIN_PROVENANCE_ENTRY = 8;
    private static final int MIN_TENSOR = 30;
    private static final int MIN_OP = 24;
    private static final int MIN_ATTRIBUTE = 8;

    private final byte[] b;
    private final long base;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private int formatVersion;

    private final ManifestLocations locations = new ManifestLocations();

    /**
     * @param manifest the manifest bytes
     * @param base the file offset of {@code manifest[0]}
     * @param source the file name for messages, or {@code null}
     */
    ManifestDecoder(byte[] manifest, long base, String source) {
        this.b = manifest;
        this.base = base;
        this.source = source;
    }

    ModelArtifact decode(int formatVersion) throws ArtifactFormatException {
        this.formatVersion = formatVersion;
        Provenance provenance = provenance();
        int tensorCount = count("", "tensorCount", "tensors", ArtifactFormat.MAX_COUNT, MIN_TENSOR);
        locations.tensorCount(tensorCount);
        List<TensorInfo> tensors = new ArrayList<>(tensorCount);
        for (int i = 0; i < tensorCount; i++) {
            tensors.add(tensor(i));
        }
        int opCount = count("", "opCount", "ops", ArtifactFormat.MAX_COUNT, MIN_OP);
        locations.opCount(opCount);
        List<OpNode> ops = new ArrayList<>(opCount);
        for (int o = 0; o < opCount; o++) {
            ops.add(op(o));
        }
        long graphInputsStart = at();
        int[] graphInputs = i32s("", "graphInputs", "ids", ArtifactFormat.MAX_ARRAY_LENGTH);
        locations.graph(graphInputsStart, at());
        int[] graphOutputs = i32s("", "graphOutputs", "ids", ArtifactFormat.MAX_ARRAY_LENGTH);
        if (pos != b.length) {
            throw fail("manifest", at(), (b.length - pos) + " unexpected bytes after the end of the manifest structure");
        }
        try {
            return new ModelArtifact(formatVersion, provenance, tensors, ops, graphInputs, graphOutputs);
        } catch (InvariantViolation v) {
            throw fail(v.field, locate(v.field), v.problem);
        }
    }

    /** @return where the fields of the decoded manifest start, for checks made after reading */
    ManifestLocations locations() {
        return locations;
    }

    /**
     * @param field a field path from an {@link InvariantViolation} of the model
     * @return the file offset where that field starts, as precisely as recorded
     */
    long locate(String field) {
        long at = locations.of(field);
        return at >= 0 ? at : base;
    }

    private Provenance provenance() throws ArtifactFormatException {
        int n = count("", "provenanceCount", "provenance entries", ArtifactFormat.MAX_COUNT, MIN_PROVENANCE_ENTRY);
        LinkedHashMap<String, String> entries = new LinkedHashMap<>();
        long start = at();
        for (int k = 0; k < n; k++) {
            String pf = "provenance[" + k + "]";
            long keyAt = at();
            String key = string(pf, ".key");
            if (key.isEmpty()) {
                throw fail(pf + ".key", keyAt, "empty provenance key");
            }
            String value = string(pf, ".value");
            if (entries.put(key, value) != null) {
                throw fail("provenance[" + k + "].key", keyAt, "duplicate provenance key '" + key + "'");
            }
        }
        try {
            return new Provenance(entries);
        } catch (InvariantViolation v) {
            throw fail(v.field, start, v.problem);
        }
    }

    private TensorInfo tensor(int i) throws ArtifactFormatException {
        String f = "tensors[" + i + "]";
        long idAt = at();
        locations.tensor(i, idAt);
        int id = i32(f, ".id");
        long nameAt = at();
        String name = string(f, ".name");
        long typeAt = at();
        int code = u8(f, ".elementType");
        ElementType type = ElementType.ofCode(code);
        if (type == null) {
            throw fail(f + ".elementType", typeAt, "unknown element type code " + code);
        }
        if (type.sinceFormatVersion() > formatVersion) {
            throw fail(f + ".elementType", typeAt, "element type code " + code + " (" + type + ") is not part of format version "
                    + formatVersion + " (since version " + type.sinceFormatVersion() + ")");
        }
        long bitsAt = at();
        int bits = u8(f, ".bits");
        long shapeAt = at();
        int[] shape = i32s(f, ".shape", "dimensions", ArtifactFormat.MAX_RANK);
        long axisAt = at();
        int axis = i32(f, ".quant.axis");
        long countAt = at();
        int groups = count(f, ".quant.count", "quantization slices", ArtifactFormat.MAX_ARRAY_LENGTH, 12);
        // the count check guarantees 12 bytes per slice
        long zeroPointsAt = at();
        int[] zeroPoints = new int[groups];
        for (int k = 0; k < groups; k++) {
            zeroPoints[k] = nextI32();
        }
        long scalesAt = at();
        double[] scales = new double[groups];
        for (int k = 0; k < groups; k++) {
            scales[k] = Double.longBitsToDouble(nextI64());
        }
        long blobAt = at();
        int blobIndex = i32(f, ".blobIndex");
        try {
            return new TensorInfo(id, name, type, shape, bits, new QuantInfo(axis, zeroPoints, scales), blobIndex);
        } catch (InvariantViolation v) {
            String field = v.field;
            long where = field.startsWith("name") ? nameAt
                    : field.startsWith("bits") ? bitsAt
                    : field.startsWith("shape") ? shapeAt
                    : field.startsWith("quant.axis") ? axisAt
                    : field.startsWith("quant.zeroPoints") ? zeroPointsAt
                    : field.equals("quant.scales") ? countAt
                    : field.startsWith("quant.scales") ? scalesAt
                    : field.startsWith("blobIndex") ? blobAt
                    : idAt;
            throw fail(f + "." + field, where, v.problem);
        }
    }

    private OpNode op(int o) throws ArtifactFormatException {
        String f = "ops[" + o + "]";
        long start = at();
        long typeAt = at();
        String opType = string(f, ".opType");
        if (opType.isEmpty()) {
            throw fail(f + ".opType", typeAt, "empty op type");
        }
        int opVersion = 1;
        long versionAt = -1;
        if (formatVersion >= 2) {
            versionAt = at();
            long v = i32(f, ".opVersion") & 0xFFFFFFFFL;
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw fail(f + ".opVersion", versionAt, "op version " + v + " of '" + opType + "' is not in [1, 2^31 - 1]");
            }
            opVersion = (int) v;
        }
        String name = string(f, ".name");
        long inputsAt = at();
        int[] inputs = i32s(f, ".inputs", "ids", ArtifactFormat.MAX_ARRAY_LENGTH);
        long outputsAt = at();
        int[] outputs = i32s(f, ".outputs", "ids", ArtifactFormat.MAX_ARRAY_LENGTH);
        long attributesAt = at();
        locations.op(o, start, typeAt, versionAt, inputsAt, outputsAt, attributesAt);
        int nInts = count(f, ".intAttrCount", "integer attributes", ArtifactFormat.MAX_COUNT, MIN_ATTRIBUTE);
        LinkedHashMap<String, long[]> ints = new LinkedHashMap<>();
        for (int k = 0; k < nInts; k++) {
            String af = f + ".ints[" + k + "]";
            long keyAt = at();
            String key = string(af, ".key");
            if (key.isEmpty()) {
                throw fail(af + ".key", keyAt, "empty attribute key");
            }
            int n = count(af, ".count", "values", ArtifactFormat.MAX_ARRAY_LENGTH, 8);
            long[] v = new long[n];
            for (int x = 0; x < n; x++) {
                v[x] = nextI64();
            }
            if (ints.put(key, v) != null) {
                throw fail(af + ".key", keyAt, "duplicate attribute key '" + key + "'");
            }
            locations.attributeKey(o, key, keyAt);
        }
        int nReals = count(f, ".realAttrCount", "real attributes", ArtifactFormat.MAX_COUNT, MIN_ATTRIBUTE);
        LinkedHashMap<String, double[]> reals = new LinkedHashMap<>();
        for (int k = 0; k < nReals; k++) {
            String af = f + ".reals[" + k + "]";
            long keyAt = at();
            String key = string(af, ".key");
            if (key.isEmpty()) {
                throw fail(af + ".key", keyAt, "empty attribute key");
            }
            int n = count(af, ".count", "values", ArtifactFormat.MAX_ARRAY_LENGTH, 8);
            double[] v = new double[n];
            for (int x = 0; x < n; x++) {
                long valueAt = at();
                v[x] = Double.longBitsToDouble(nextI64());
                if (!Double.isFinite(v[x])) {
                    throw fail(af + ".values[" + x + "]", valueAt, "real attribute '" + key + "' value " + v[x] + " is not finite");
                }
            }
            if (ints.containsKey(key) || reals.put(key, v) != null) {
                throw fail(af + ".key", keyAt, "duplicate attribute key '" + key + "'");
            }
            locations.attributeKey(o, key, keyAt);
        }
        Attributes attributes;
        try {
            attributes = new Attributes(ints, reals);
        } catch (InvariantViolation v) {
            throw fail(f + "." + v.field, attributesAt, v.problem);
        }
        try {
            return new OpNode(opType, opVersion, name, inputs, outputs, attributes);
        } catch (InvariantViolation v) {
            throw fail(f + "." + v.field, v.field.startsWith("outputs") ? outputsAt : start, v.problem);
        }
    }

    // ---- primitives; each checks the remaining length first. A field is named by a prefix
    // ("tensors[3]") and a suffix (".shape"), joined only when a check fails.

    private long at() {
        return base + pos;
    }

    private static String join(String prefix, String suffix) {
        return prefix.isEmpty() ? suffix : prefix + suffix;
    }

    private void need(int bytes, String prefix, String suffix) throws ArtifactFormatException {
        if (b.length - pos < bytes) {
            throw fail(join(prefix, suffix), at(), "the manifest ends inside this field (needs " + bytes + " bytes, "
                    + (b.length - pos) + " left)");
        }
    }

    private int u8(String prefix, String suffix) throws ArtifactFormatException {
        need(1, prefix, suffix);
        return b[pos++] & 0xFF;
    }

    private int i32(String prefix, String suffix) throws ArtifactFormatException {
        need(4, prefix, suffix);
        return nextI32();
    }

    /** Reads an i32 whose bytes a count check has already guaranteed. */
    private int nextI32() {
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** Reads an i64 whose bytes a count check has already guaranteed. */
    private long nextI64() {
        long lo = nextI32() & 0xFFFFFFFFL;
        long hi = nextI32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    /**
     * Reads a u32 count and checks it against {@code max} and against the bytes that remain,
     * given that each counted item takes at least {@code minBytes}; so reading {@code n} items of
     * exactly {@code minBytes} each needs no further check.
     */
    private int count(String prefix, String suffix, String what, int max, int minBytes) throws ArtifactFormatException {
        long at = at();
        long n = i32(prefix, suffix) & 0xFFFFFFFFL;
        if (n > max) {
            throw fail(join(prefix, suffix), at, n + " " + what + " is above the limit of " + max);
        }
        long remaining = b.length - pos;
        if (n * minBytes > remaining) {
            throw fail(join(prefix, suffix), at, n + " " + what + " need at least " + n * minBytes + " bytes but only "
                    + remaining + " remain in the manifest");
        }
        return (int) n;
    }

    private int[] i32s(String prefix, String suffix, String what, int max) throws ArtifactFormatException {
        int n = count(prefix, suffix + ".count", what, max, 4);
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
            v[k] = nextI32();
        }
        return v;
    }

    private String string(String prefix, String suffix) throws ArtifactFormatException {
        long at = at();
        long n = i32(prefix, suffix + ".length") & 0xFFFFFFFFL;
        if (n > ArtifactFormat.MAX_STRING_BYTES) {
            throw fail(join(prefix, suffix), at, "string length " + n + " is above the limit of " + ArtifactFormat.MAX_STRING_BYTES
                    + " bytes");
        }
        if (n > b.length - pos) {
            throw fail(join(prefix, suffix), at, "string length " + n + " runs past the end of the manifest (" + (b.length - pos)
                    + " bytes left)");
        }
        int len = (int) n;
        boolean ascii = true;
        for (int k = pos; k < pos + len; k++) {
            if (b[k] < 0) {
                ascii = false;
                break;
            }
        }
        String s;
        if (ascii) {
            s = new String(b, pos, len, StandardCharsets.US_ASCII);
        } else {
            try {
                s = utf8.reset().decode(ByteBuffer.wrap(b, pos, len)).toString();
            } catch (CharacterCodingException e) {
                throw fail(join(prefix, suffix), at, "string is not well-formed UTF-8 (" + e.getMessage() + ")");
            }
        }
        pos += len;
        return s;
    }

    private ArtifactFormatException fail(String field, long offset, String problem) {
        return new ArtifactFormatException(source, field, offset, problem);
    }
}
