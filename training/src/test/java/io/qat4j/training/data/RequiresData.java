package io.qat4j.training.data;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/**
 * Gives tests the folder of a real dataset, located by {@link DatasetLocator#fromEnvironment()}
 * (DESIGN.md section 6). When the dataset is missing, the test fails if
 * {@link DataRequirement#dataMustBePresent()} ({@code QAT4J_REQUIRE_DATA=1}, as CI sets it), and
 * is otherwise skipped with a visible {@code SKIPPED (dataset missing)} line on standard error.
 */
public final class RequiresData {

    private RequiresData() {
    }

    /**
     * @param name dataset folder name, e.g. {@code cora} (in {@code ../shared/datasets})
     * @return the dataset folder; the calling test is failed or skipped when it is missing
     */
    public static Path sharedDataset(String name) {
        return require(DatasetLocator.fromEnvironment(), name);
    }

    /**
     * @return the Fashion-MNIST folder (Xiao et al. 2017), e.g. Debian's
     *     {@value DatasetLocator#DEBIAN_FASHION_MNIST_DIR}; the calling test is failed or skipped
     *     when it is missing
     */
    public static Path fashionMnist() {
        return sharedDataset(DatasetLocator.FASHION_MNIST);
    }

    static Path require(DatasetLocator locator, String name) {
        try {
            return locator.locate(name);
        } catch (DatasetNotFoundException e) {
            String places = e.searched().toString();
            if (DataRequirement.dataMustBePresent()) {
                fail("Dataset " + name + " is required (" + DataRequirement.REQUIRE_DATA_ENV
                        + " is set) but was not found at " + places + ".\n" + e.getMessage());
            }
            String msg = "SKIPPED (dataset missing): " + name + " not found at " + places;
            System.err.println(msg);
            assumeTrue(false, msg + "\n" + e.getMessage());
            throw new AssertionError("unreachable", e);
        }
    }
}
