package io.qat4j.executor.op;

/**
 * The memory one executor may reserve at load, shared by the ops of one load: the registry
 * reserves each op's outputs per example and every op reserves its scratch buffers
 * ({@link OpContext#reserve}) before allocating them, so a crafted artifact (a huge spatial shape
 * over a tiny weight blob) is rejected at load instead of exhausting the heap at run time.
 * Thread-local scratch counts once per executor; it is allocated again on each thread that runs.
 */
final class ScratchBudget {

    private final long limit;
    private long used;

    ScratchBudget(long limit) {
        this.limit = limit;
    }

    /** @return {@code null} when reserved, else the reason */
    String reserve(long bytes) {
        if (bytes < 0 || bytes > limit - used) {
            return "the executor's scratch limit is " + limit + " bytes and " + used + " are reserved already";
        }
        used += bytes;
        return null;
    }
}
