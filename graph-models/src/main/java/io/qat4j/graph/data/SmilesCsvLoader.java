package io.qat4j.graph.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openscience.cdk.aromaticity.Aromaticity;
import org.openscience.cdk.exception.CDKException;
import org.openscience.cdk.graph.Cycles;
import org.openscience.cdk.interfaces.IAtomContainer;
import org.openscience.cdk.interfaces.IBond;
import org.openscience.cdk.silent.SilentChemObjectBuilder;
import org.openscience.cdk.smiles.SmilesParser;
import org.openscience.cdk.tools.manipulator.AtomContainerManipulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads molecules with regression targets from a CSV file of SMILES strings (Weininger, J. Chem.
 * Inf. Comput. Sci. 1988; the MoleculeNet CSV files of Wu et al., Chem. Sci. 2018, e.g. ESOL) for
 * graph regression, parsing them with the Chemistry Development Kit's {@link SmilesParser}.
 *
 * <p>The folder holds one {@code NAME.csv}: a header line naming the columns, then a molecule per
 * line (RFC 4180: commas, fields optionally double-quoted). The SMILES column and the target
 * columns are given by name; by default the first column is the SMILES and the second the one
 * target. SMILES are stripped of surrounding blanks (ESOL's have trailing spaces); targets are
 * numbers. A line with another number of fields than the header, a non-numeric target or a SMILES
 * the parser refuses fails the load with file, line, field and, for SMILES, the parser's message.
 *
 * <p>A molecule is a graph of its heavy atoms: explicit hydrogens are folded into their atoms'
 * hydrogen counts ({@link AtomContainerManipulator#suppressHydrogens}, as RDKit's
 * {@code MolFromSmiles} removes them; a hydrogen CDK keeps, as in {@code [H][H]} or the isotope
 * {@code [2H]}, stays a node), aromaticity is perceived with the Daylight model whatever the
 * SMILES' spelling (Kekulé or aromatic), each atom's features are {@link AtomFeatures}, and each
 * bond is an edge in both directions ({@link CleaningReport}: a molecule has no self-loops or
 * repeated bonds, so cleaning only adds the reverse edges). A molecule of several components (a
 * salt) is one graph.
 *
 * <p>Speed: ESOL (1128 molecules) loads in 0.8 s as the first load of a fresh JVM (most of it
 * loading CDK's classes) and in 0.13 s (median of the next five) once warm,
 * measured on the project's 2-core machine while other builds ran (load average 9).
 */
public final class SmilesCsvLoader implements GraphLoader {

    /** The format's name in configs. */
    public static final String FORMAT = "smiles-csv";

    private static final Logger LOG = LoggerFactory.getLogger(SmilesCsvLoader.class);

    private final String smilesColumn;
    private final List<String> targetColumns;

    /** A loader taking the first column as the SMILES and the second as the one target. */
    public SmilesCsvLoader() {
        this.smilesColumn = null;
        this.targetColumns = null;
    }

    /**
     * @param smilesColumn the name of the SMILES column in the header
     * @param targetColumns the names of the target columns, at least one, in target order
     */
    public SmilesCsvLoader(String smilesColumn, List<String> targetColumns) {
        this.smilesColumn = Objects.requireNonNull(smilesColumn, "smilesColumn");
        this.targetColumns = List.copyOf(targetColumns);
        if (this.targetColumns.isEmpty()) {
            throw new IllegalArgumentException("a SMILES CSV dataset needs at least one target column");
        }
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public GraphDataset load(Path folder) throws IOException {
        DatasetFolder dir = new DatasetFolder(folder);
        Path file = dir.single(".csv", "SMILES CSV file");
        String name = DatasetFolder.stem(file, ".csv");
        SmilesParser parser = new SmilesParser(SilentChemObjectBuilder.getInstance());
        Aromaticity aromaticity = new Aromaticity(Aromaticity.Model.Daylight, Cycles.or(Cycles.all(), Cycles.all(6)));
        EdgeCleaner cleaner = new EdgeCleaner();
        List<Graph> graphs = new ArrayList<>();
        List<String> targetNames;
        try (TextFile text = TextFile.open(file)) {
            Fields f = new Fields(text, Fields.Separator.CSV);
            if (!f.next()) {
                throw text.errorAtEnd("expected a header line naming the columns");
            }
            List<String> header = new ArrayList<>();
            for (int i = 0; i < f.count(); i++) {
                header.add(f.text(i).strip());
            }
            int smiles = smilesColumn == null ? 0 : column(header, smilesColumn, text);
            int[] targets;
            if (targetColumns == null) {
                if (header.size() < 2) {
                    throw text.error("expected at least two columns (SMILES, target), found " + header.size());
                }
                targets = new int[] {1};
            } else {
                targets = new int[targetColumns.size()];
                for (int t = 0; t < targets.length; t++) {
                    targets[t] = column(header, targetColumns.get(t), text);
                }
            }
            targetNames = new ArrayList<>();
            for (int t : targets) {
                targetNames.add(header.get(t));
            }
            while (f.next()) {
                f.expectCount(header.size(), "as many as the header's columns");
                float[] y = new float[targets.length];
                for (int t = 0; t < targets.length; t++) {
                    y[t] = f.floatAt(targets[t], "(target " + header.get(targets[t]) + ")");
                }
                graphs.add(molecule(f, smiles, parser, aromaticity, cleaner, y));
            }
        }
        if (graphs.isEmpty()) {
            throw new GraphFormatException(file, 2, 0, "expected a molecule per line after the header, found none");
        }
        GraphDataset dataset = new GraphDataset(name, GraphTask.GRAPH_REGRESSION, graphs, AtomFeatures.COUNT,
                List.of(), targetNames, Optional.empty(), List.of(), cleaner.report(), List.of(file));
        LOG.info(dataset.loadSummary());
        return dataset;
    }

    private static int column(List<String> header, String name, TextFile text) throws GraphFormatException {
        int c = header.indexOf(name);
        if (c < 0) {
            throw text.error("expected a column named '" + name + "' in the header, found " + String.join(", ", header));
        }
        return c;
    }

    private static Graph molecule(Fields f, int column, SmilesParser parser, Aromaticity aromaticity,
                                  EdgeCleaner cleaner, float[] targets) throws GraphFormatException {
        String smiles = f.text(column).strip();
        if (smiles.isEmpty()) {
            throw f.error(column, "expected a SMILES string, found an empty field");
        }
        IAtomContainer mol;
        try {
            mol = AtomContainerManipulator.suppressHydrogens(parser.parseSmiles(smiles));
            Aromaticity.clear(mol);
            aromaticity.apply(mol);
        } catch (CDKException e) {
            throw new GraphFormatException(f.source().file(), f.source().line(), column + 1,
                    "cannot parse SMILES '" + smiles + "': " + e.getMessage(), e);
        }
        int n = mol.getAtomCount();
        if (n == 0) {
            throw f.error(column, "SMILES '" + smiles + "' has no atoms (expected a molecule of at least one atom)");
        }
        float[] x = new float[n * AtomFeatures.COUNT];
        for (int i = 0; i < n; i++) {
            AtomFeatures.write(mol, mol.getAtom(i), x, i * AtomFeatures.COUNT);
        }
        int[] src = new int[mol.getBondCount()];
        int[] dst = new int[src.length];
        int b = 0;
        for (IBond bond : mol.bonds()) {
            src[b] = mol.indexOf(bond.getBegin());
            dst[b] = mol.indexOf(bond.getEnd());
            b++;
        }
        EdgeCleaner.EdgeList edges = cleaner.clean(n, src, dst, b);
        return Graph.forGraphRegression(n, AtomFeatures.COUNT, x, edges.src(), edges.dst(), targets);
    }
}
