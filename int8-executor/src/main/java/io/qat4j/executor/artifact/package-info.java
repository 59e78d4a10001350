/**
 * The integer-only model artifact: one file holding the op graph, tensor metadata, quantization
 * parameters, provenance and constant tensor data of an exported model (DESIGN.md section 5).
 *
 * <p>{@link io.qat4j.executor.artifact.ArtifactWriter} writes it atomically;
 * {@link io.qat4j.executor.artifact.ArtifactReader} reads it and validates every size, count and
 * offset against the real file length and the limits of
 * {@link io.qat4j.executor.artifact.ArtifactFormat} before allocating anything. Whatever the
 * input, the reader either returns a model that satisfies every invariant below or throws
 * {@link io.qat4j.executor.artifact.ArtifactFormatException} naming the field and byte offset;
 * it never deserializes Java objects. The layout takes its ideas from PNG (magic, chunk CRCs,
 * strict rejection), TensorFlow Lite's flatbuffer schema (tensors with per-axis quantization,
 * ops referring to tensor ids, constants in separate aligned buffers) and safetensors (a
 * length-prefixed manifest followed by raw, aligned tensor bytes).
 *
 * <h2>Byte layout, format version 2 (and how version 1 differs)</h2>
 *
 * <p>The writer writes version 2; the reader reads versions 1 and 2. Version 1 differs in two
 * places only, marked below: its ops carry no {@code opVersion} (every op is version 1), and its
 * element types are codes 1 to 4 (no INT16). {@code io.qat4j.executor.op.OpRegistry#upgrade}
 * converts a version-1 model to version 2 on read: the ops become version-1 ops, and each op
 * definition converts attributes that changed (version 1's {@code add} kept its twelve integers
 * positionally in {@code add_params}; version 2 names them).
 *
 * <p>All integers are little-endian; {@code u} types are unsigned, {@code i} types two's
 * complement. {@code u64} fields above {@code 2^63 - 1} are rejected. Checksums are CRC32C
 * (Castagnoli, RFC 3720 appendix B.4; {@link java.util.zip.CRC32C}).
 *
 * <pre>
 * offset        size  field
 * ------------  ----  -----------------------------------------------------------------
 * HEADER (32 bytes)
 * 0             8     magic            ASCII "QAT4JART" = 51 41 54 34 4A 41 52 54
 * 8             2     u16 formatVersion  2 (or 1); 0 is invalid, above CURRENT_VERSION is "newer"
 * 10            2     u16 flags        0 (versions 1 and 2 define no flags)
 * 12            8     u64 manifestLength M, at most 64 MiB and inside the file
 * 20            4     u32 manifestCrc32c CRC32C of the M manifest bytes
 * 24            4     u32 blobCount    N, at most 1,000,000
 * 28            4     u32 headerCrc32c CRC32C of bytes 0..27
 * MANIFEST
 * 32            M     manifest, see below
 * BLOB TABLE
 * 32+M          20*N  N entries; entry j at 32 + M + 20j:
 *                       +0   u64 offset   absolute file offset of blob j, a multiple of 8
 *                       +8   u64 length   byte length of blob j
 *                       +16  u32 crc32c   CRC32C of the blob's bytes
 * BLOBS
 * T=32+M+20N    ...   blob 0 at align8(T), blob j+1 at align8(end of blob j); the 0..7 padding
 *                     bytes before each blob are zero; the file ends exactly at the end of the
 *                     last blob (at T when N = 0). Anything else (gaps, overlaps, trailing
 *                     bytes) is rejected, so every model has exactly one valid encoding.
 * </pre>
 *
 * <p>The manifest is a sequence of length-prefixed values, in this order, and must be consumed
 * exactly (no bytes left over):
 *
 * <pre>
 * string    := u32 byteLength (at most 1 MiB), then that many bytes of well-formed UTF-8
 * i32array  := u32 count, then count x i32
 * manifest  := u32 provenanceCount, provenanceCount x (string key, string value)
 *              u32 tensorCount (at most 1,000,000), tensorCount x tensor
 *              u32 opCount (at most 1,000,000), opCount x op
 *              i32array graphInputs      tensor ids
 *              i32array graphOutputs     tensor ids
 * tensor    := i32 id                    unique, &gt;= 0
 *              string name
 *              u8  elementType           1 INT8, 2 INT32, 3 INT4_PACKED, 4 UINT8, 5 INT16 (version 2 only)
 *              u8  bits                  2..8 (INT8, UINT8), 2..4 (INT4_PACKED), 2..16 (INT16), 32 (INT32)
 *              i32array shape            rank 0..8, every dimension &gt;= 1, product &lt; 2^31; for an
 *                                        activation, the shape of one example: the leading dynamic
 *                                        dimension (batch, nodes or edges) is not stored
 *              i32 quantAxis             -1 = per tensor, else 0 &lt;= axis &lt; rank
 *              u32 quantCount G          1 when per tensor; else G divides shape[axis]
 *                                        (G = shape[axis]: per channel; smaller G: G groups
 *                                        of consecutive channels, as Q-BERT's group-wise
 *                                        quantization)
 *              G x i32 zeroPoints        inside the bits-wide range of the element type
 *              G x f64 scales            IEEE 754 bits; finite and &gt; 0; reference only
 *              i32 blobIndex             -1 = activation, else the blob holding the constant
 * op        := string opType             non-empty, e.g. "conv2d", "fully_connected"
 *              u32 opVersion             1 .. 2^31 - 1, the version of the op's definition
 *                                        (version 2 only; absent in version 1, where it is 1)
 *              string name
 *              i32array inputs           tensor ids
 *              i32array outputs          tensor ids, at least one
 *              u32 intAttrCount,  intAttrCount  x (string key, u32 n, n x i64)
 *              u32 realAttrCount, realAttrCount x (string key, u32 n, n x f64 finite)
 * </pre>
 *
 * <p>Every array holds at most 2^28 elements and every map at most 1,000,000 entries; keys are
 * non-empty and unique (attribute keys across both maps). The integer attributes of each op
 * type and version (names, counts, ranges) are defined by its class in
 * {@code io.qat4j.executor.op}, not by the format. Constant data: INT8 and UINT8 one byte per
 * element, INT16 two bytes and INT32 four bytes little-endian, INT4_PACKED two signed 4-bit values per
 * byte, element {@code 2k} in the low nibble and {@code 2k+1} in the high nibble, an odd count
 * leaving the last high nibble zero; so a constant of {@code n} elements has {@code n},
 * {@code 2n}, {@code 4n} or {@code ceil(n/2)} bytes. Every value lies in the {@code bits}-wide range of its
 * element type.
 *
 * <h2>Graph invariants</h2>
 *
 * <p>Ops are listed in execution order. Every op input is a constant, a graph input or an output
 * of an earlier op; every tensor is produced by at most one op; constants and graph inputs are
 * never produced; every activation is a graph input or produced by an op; graph inputs are
 * activations; graph inputs and outputs are unique and there is at least one output; every
 * constant refers to an existing blob of exactly its byte length, and every blob is used by
 * exactly one constant.
 */
package io.qat4j.executor.artifact;
