/**
 * File I/O shared by every module: atomic writes (write to a temporary file in the target's
 * folder, force it to disk, then rename over the target), so that a crash never leaves a
 * half-written checkpoint, config or artifact.
 */
package io.qat4j.executor.io;
