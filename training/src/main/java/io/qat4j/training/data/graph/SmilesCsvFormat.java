package io.qat4j.training.data.graph;

import io.qat4j.graph.data.GraphLoader;
import io.qat4j.graph.data.SmilesCsvLoader;
import java.util.List;

/**
 * The {@code smiles-csv} dataset format: molecules with regression targets in a CSV file of SMILES
 * (the MoleculeNet files of Wu et al., Chem. Sci. 2018, e.g. ESOL), read by graph-models'
 * {@link SmilesCsvLoader} (which documents the file and the atom features), for graph regression
 * scored by MAE and RMSE in the targets' units. Keys of its own:
 * <ul>
 *   <li>{@code smilesColumn}: the header name of the SMILES column; absent for the first column;</li>
 *   <li>{@code targetColumns}: the header names of the targets, a list or one name; absent for the
 *       second column alone.</li>
 * </ul>
 * ESOL's header is {@code smiles,logSolubility}, which the defaults read; its config names them
 * ({@code smilesColumn: smiles, targetColumns: [logSolubility]}). Naming only one of the two
 * columns is an error. The folds are drawn ({@link GraphFolds}, seeded k-fold); the other keys
 * are {@link GraphLevelFormat}'s.
 */
public final class SmilesCsvFormat extends GraphLevelFormat {

    /** Creates the format (instantiated by {@link java.util.ServiceLoader}). */
    public SmilesCsvFormat() {
    }

    @Override
    public String name() {
        return SmilesCsvLoader.FORMAT;
    }

    @Override
    public String description() {
        return "molecules as SMILES with regression targets in CSV (MoleculeNet, Wu et al. 2018), parsed with CDK";
    }

    @Override
    List<String> ownKeys() {
        return List.of("smilesColumn", "targetColumns");
    }

    @Override
    GraphLoader loader(GraphLevelSettings settings) {
        return settings.smilesColumn().isEmpty() ? new SmilesCsvLoader()
                : new SmilesCsvLoader(settings.smilesColumn().get(), settings.targetColumns());
    }
}
