package io.qat4j.quant.onnx;

/** An artifact that cannot be written as ONNX; the message names the op and what it lacks. */
public final class OnnxExportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where (op name, type, version, attribute) */
    public OnnxExportException(String message) {
        super(message);
    }
}
