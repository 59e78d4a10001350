package io.qat4j.graph.data;

import static io.qat4j.graph.data.AtomFeatures.AROMATIC_OFFSET;
import static io.qat4j.graph.data.AtomFeatures.CHARGE_OFFSET;
import static io.qat4j.graph.data.AtomFeatures.COUNT;
import static io.qat4j.graph.data.AtomFeatures.DEGREE_OFFSET;
import static io.qat4j.graph.data.AtomFeatures.ELEMENTS;
import static io.qat4j.graph.data.AtomFeatures.ELEMENT_OFFSET;
import static io.qat4j.graph.data.AtomFeatures.HYDROGEN_OFFSET;
import static io.qat4j.graph.data.FormatErrors.assertFails;
import static io.qat4j.graph.data.FormatErrors.assertFailsWith;
import static io.qat4j.graph.data.FormatErrors.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SmilesCsvLoader} on small CSV files written here: named columns in another order than
 * ESOL's, quoted fields, two targets; atom features against hand-derived values (element, degree,
 * charge, aromaticity, hydrogens), bonds as edges in both directions, and every malformed case with
 * its file, line and field.
 */
class SmilesCsvLoaderTest {

    /**
     * @param element symbol of {@link AtomFeatures#ELEMENTS}, or null for "other"
     * @return the feature vector an atom with these properties must have
     */
    private static float[] atom(String element, int degree, int charge, boolean aromatic, int hydrogens) {
        float[] x = new float[COUNT];
        x[ELEMENT_OFFSET + (element == null ? ELEMENTS.size() : ELEMENTS.indexOf(element))] = 1;
        x[DEGREE_OFFSET + Math.min(degree, 6)] = 1;
        x[CHARGE_OFFSET + (Math.abs(charge) <= 1 ? charge + 1 : 3)] = 1;
        x[AROMATIC_OFFSET] = aromatic ? 1 : 0;
        x[HYDROGEN_OFFSET + Math.min(hydrogens, 4)] = 1;
        return x;
    }

    private static float[] concat(float[]... atoms) {
        float[] out = new float[atoms.length * COUNT];
        for (int i = 0; i < atoms.length; i++) {
            System.arraycopy(atoms[i], 0, out, i * COUNT, COUNT);
        }
        return out;
    }

    private static float[] repeat(float[] atom, int times) {
        float[][] all = new float[times][];
        Arrays.fill(all, atom);
        return concat(all);
    }

    @Test
    void readsNamedColumnsQuotedFieldsAndTwoTargets(@TempDir Path dir) throws IOException {
        write(dir, "mols.csv",
                "name,\"smiles\",y1,y2",
                "\"ethanol, \"\"absolute\"\"\",CCO ,1.5,-2",
                "benzene,c1ccccc1,0,1e-1",
                "kekule benzene,  C1=CC=CC=C1,0,0",
                "ammonium,[NH4+],0,0",
                "salt,[Na+].[Cl-],0,0",
                "explicit hydrogens,[H]C([H])([H])[H],0,0",
                "oxide,[O-2],0,0",
                "sulfur hexafluoride,FS(F)(F)(F)(F)F,0,0",
                "pyrrole,c1cc[nH]c1,0,0");
        GraphDataset d = new SmilesCsvLoader("smiles", List.of("y2", "y1")).load(dir);
        assertEquals("mols", d.name());
        assertEquals(GraphTask.GRAPH_REGRESSION, d.task());
        assertEquals(List.of("y2", "y1"), d.targetNames());
        assertEquals(COUNT, d.featureCount());
        assertEquals(9, d.graphCount());

        Graph ethanol = d.graphs().get(0);
        assertArrayEquals(new float[] {-2, 1.5f}, ethanol.targets());
        assertArrayEquals(concat(atom("C", 1, 0, false, 3), atom("C", 2, 0, false, 2), atom("O", 1, 0, false, 1)),
                ethanol.features());
        assertArrayEquals(new int[] {0, 1, 1, 2}, ethanol.src());
        assertArrayEquals(new int[] {1, 0, 2, 1}, ethanol.dst());

        Graph benzene = d.graphs().get(1);
        assertArrayEquals(new float[] {0.1f, 0}, benzene.targets());
        assertArrayEquals(repeat(atom("C", 2, 0, true, 1), 6), benzene.features());
        assertEquals(12, benzene.edgeCount());
        Graph kekule = d.graphs().get(2);
        assertArrayEquals(benzene.features(), kekule.features(), "aromaticity does not depend on the spelling");
        assertArrayEquals(benzene.src(), kekule.src());

        assertArrayEquals(atom("N", 0, 1, false, 4), d.graphs().get(3).features());
        Graph salt = d.graphs().get(4);
        assertArrayEquals(concat(atom(null, 0, 1, false, 0), atom("Cl", 0, -1, false, 0)), salt.features());
        assertEquals(0, salt.edgeCount());
        assertArrayEquals(atom("C", 0, 0, false, 4), d.graphs().get(5).features(), "explicit hydrogens are folded in");
        assertArrayEquals(atom("O", 0, -2, false, 0), d.graphs().get(6).features());
        Graph sf6 = d.graphs().get(7);
        assertArrayEquals(concat(atom("F", 1, 0, false, 0), atom("S", 6, 0, false, 0), atom("F", 1, 0, false, 0),
                atom("F", 1, 0, false, 0), atom("F", 1, 0, false, 0), atom("F", 1, 0, false, 0),
                atom("F", 1, 0, false, 0)), sf6.features());
        Graph pyrrole = d.graphs().get(8);
        assertArrayEquals(concat(atom("C", 2, 0, true, 1), atom("C", 2, 0, true, 1), atom("C", 2, 0, true, 1),
                atom("N", 2, 0, true, 1), atom("C", 2, 0, true, 1)), pyrrole.features());

        // bonds: 2 + 6 + 6 + 0 + 0 + 0 + 0 + 6 + 5 = 25, each added in reverse
        assertEquals(new CleaningReport(9, 3 + 6 + 6 + 1 + 2 + 1 + 1 + 7 + 5, 50, 0, 0, 0, 25, List.of()), d.cleaning());
    }

    @Test
    void byDefaultTheFirstColumnIsTheSmilesAndTheSecondTheTarget(@TempDir Path dir) throws IOException {
        write(dir, "solubility.csv", "smiles,logS,comment", "CC,-1.25,gas", "O,0.5,water");
        GraphDataset d = new SmilesCsvLoader().load(dir);
        assertEquals(List.of("logS"), d.targetNames());
        assertArrayEquals(new float[] {-1.25f}, d.graphs().get(0).targets());
        assertArrayEquals(atom("O", 0, 0, false, 2), d.graphs().get(1).features());
        assertEquals(List.of("solubility.csv"), d.files().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void featureNamesCoverEveryPosition() {
        List<String> names = AtomFeatures.names();
        assertEquals(COUNT, names.size());
        assertEquals(31, COUNT);
        assertEquals("element=C", names.get(ELEMENT_OFFSET + 2));
        assertEquals("element=other", names.get(DEGREE_OFFSET - 1));
        assertEquals("degree=6+", names.get(CHARGE_OFFSET - 1));
        assertEquals("charge=other", names.get(AROMATIC_OFFSET - 1));
        assertEquals("aromatic", names.get(AROMATIC_OFFSET));
        assertEquals("hydrogens=4+", names.get(COUNT - 1));
    }

    @Test
    void malformedFiles(@TempDir Path dir) throws IOException {
        SmilesCsvLoader loader = new SmilesCsvLoader();
        write(dir, "m.csv", "smiles,y", "CCO,1", "C1CC,2");
        GraphFormatException ring = assertFails(loader, dir, "m.csv", 3, 1, "cannot parse SMILES 'C1CC': ");
        assertTrue(ring.getCause() != null && ring.getMessage().endsWith(ring.getCause().getMessage()), ring.getMessage());
        write(dir, "m.csv", "smiles,y", "c1cccc1,2");
        assertFails(loader, dir, "m.csv", 2, 1, "cannot parse SMILES 'c1cccc1': ");
        write(dir, "m.csv", "smiles,y", "CCO,1", "CC,2,3");
        assertFails(loader, dir, "m.csv", 3, 0, "expected 2 fields (as many as the header's columns), found 3");
        write(dir, "m.csv", "smiles,y", "CCO,soluble");
        assertFails(loader, dir, "m.csv", 2, 2, "expected a number (target y), found 'soluble'");
        write(dir, "m.csv", "smiles,y", "CCO,");
        assertFails(loader, dir, "m.csv", 2, 2, "found ''");
        write(dir, "m.csv", "smiles,y", "CCO,1", ".,1");
        assertFails(loader, dir, "m.csv", 3, 1, "SMILES '.' has no atoms (expected a molecule of at least one atom)");
        write(dir, "m.csv", "smiles,y", "  ,1");
        assertFails(loader, dir, "m.csv", 2, 1, "expected a SMILES string, found an empty field");
        write(dir, "m.csv", "smiles,y", "\"CCO,1");
        assertFails(loader, dir, "m.csv", 2, 1, "expected a closing double quote before the end of the line");
        write(dir, "m.csv", "smiles,y");
        assertFails(loader, dir, "m.csv", 2, 0, "expected a molecule per line after the header, found none");
        write(dir, "m.csv", "smiles");
        assertFails(loader, dir, "m.csv", 1, 0, "expected at least two columns (SMILES, target), found 1");
        write(dir, "m.csv", "smiles,y", "CCO,1");
        assertFails(new SmilesCsvLoader("SMILES", List.of("y")), dir, "m.csv", 1, 0,
                "expected a column named 'SMILES' in the header, found smiles, y");
        assertFails(new SmilesCsvLoader("smiles", List.of("y", "z")), dir, "m.csv", 1, 0, "column named 'z'");
        assertThrows(IllegalArgumentException.class, () -> new SmilesCsvLoader("smiles", List.of()));
        assertFailsWith(NoSuchFileException.class, loader, dir.resolve("absent"), "dataset folder not found");
        write(dir.resolve("nocsv"), "m.txt", "smiles,y");
        assertFailsWith(NoSuchFileException.class, loader, dir.resolve("nocsv"), "no SMILES CSV file (a file named *.csv)");
    }
}
