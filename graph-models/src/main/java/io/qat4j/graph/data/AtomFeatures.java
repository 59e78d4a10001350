package io.qat4j.graph.data;

import java.util.ArrayList;
import java.util.List;
import org.openscience.cdk.interfaces.IAtom;
import org.openscience.cdk.interfaces.IAtomContainer;
import org.openscience.cdk.tools.manipulator.AtomContainerManipulator;

/**
 * The node features of an atom of a molecule read by {@link SmilesCsvLoader}: the atom
 * descriptors of the molecular GNN benchmarks (Gilmer et al., "Neural Message Passing for Quantum
 * Chemistry", ICML 2017, table 1; MoleculeNet, Wu et al., Chem. Sci. 2018; OGB's
 * {@code atom_to_feature_vector}), computed with the Chemistry Development Kit (Willighagen et
 * al., J. Cheminform. 2017) on the hydrogen-suppressed molecule with Daylight aromaticity.
 * {@value #COUNT} values, all 0 or 1, in five one-hot groups:
 * <ol>
 *   <li>element, at {@link #ELEMENT_OFFSET}: one slot per symbol of {@link #ELEMENTS} (the
 *       elements of organic and drug-like molecules, in atomic number order), then one for any
 *       other element or pseudo atom;</li>
 *   <li>degree, at {@link #DEGREE_OFFSET}: the number of bonded (heavy) atoms 0, 1, 2, 3, 4, 5,
 *       or 6 and more;</li>
 *   <li>formal charge, at {@link #CHARGE_OFFSET}: -1, 0, +1, or any other charge;</li>
 *   <li>aromaticity, at {@link #AROMATIC_OFFSET}: 1 when the atom is in an aromatic ring;</li>
 *   <li>total hydrogen count, at {@link #HYDROGEN_OFFSET}: implicit plus explicit hydrogens 0,
 *       1, 2, 3, or 4 and more.</li>
 * </ol>
 * {@link #names()} names every position.
 */
public final class AtomFeatures {

    /** The elements with a slot of their own, in this order; any other element takes the slot after them. */
    public static final List<String> ELEMENTS =
            List.of("H", "B", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Se", "Br", "I");

    /** Position of the first element slot. */
    public static final int ELEMENT_OFFSET = 0;
    /** Element slots: {@link #ELEMENTS} and "other". */
    public static final int ELEMENT_SLOTS = ELEMENTS.size() + 1;
    /** Position of the first degree slot. */
    public static final int DEGREE_OFFSET = ELEMENT_OFFSET + ELEMENT_SLOTS;
    /** Degree slots: 0..5 and "6 or more". */
    public static final int DEGREE_SLOTS = 7;
    /** Position of the first formal charge slot. */
    public static final int CHARGE_OFFSET = DEGREE_OFFSET + DEGREE_SLOTS;
    /** Formal charge slots: -1, 0, +1 and "other". */
    public static final int CHARGE_SLOTS = 4;
    /** Position of the aromaticity flag. */
    public static final int AROMATIC_OFFSET = CHARGE_OFFSET + CHARGE_SLOTS;
    /** Position of the first hydrogen count slot. */
    public static final int HYDROGEN_OFFSET = AROMATIC_OFFSET + 1;
    /** Hydrogen count slots: 0..3 and "4 or more". */
    public static final int HYDROGEN_SLOTS = 5;
    /** Features per atom. */
    public static final int COUNT = HYDROGEN_OFFSET + HYDROGEN_SLOTS;

    private AtomFeatures() {
    }

    /** @return the name of every feature position, e.g. {@code element=C}, {@code degree=6+} */
    public static List<String> names() {
        List<String> names = new ArrayList<>(COUNT);
        for (String e : ELEMENTS) {
            names.add("element=" + e);
        }
        names.add("element=other");
        for (int d = 0; d < DEGREE_SLOTS; d++) {
            names.add("degree=" + d + (d == DEGREE_SLOTS - 1 ? "+" : ""));
        }
        names.addAll(List.of("charge=-1", "charge=0", "charge=+1", "charge=other", "aromatic"));
        for (int h = 0; h < HYDROGEN_SLOTS; h++) {
            names.add("hydrogens=" + h + (h == HYDROGEN_SLOTS - 1 ? "+" : ""));
        }
        return names;
    }

    /**
     * Writes the features of one atom.
     *
     * @param molecule the molecule, hydrogen-suppressed, with aromaticity perceived
     * @param atom one of its atoms
     * @param out where to write, zero at {@code out[offset .. offset + COUNT)}
     * @param offset the atom's first position in {@code out}
     */
    static void write(IAtomContainer molecule, IAtom atom, float[] out, int offset) {
        int element = ELEMENTS.indexOf(atom.getSymbol());
        out[offset + ELEMENT_OFFSET + (element >= 0 ? element : ELEMENTS.size())] = 1f;
        int degree = molecule.getConnectedBondsCount(atom);
        out[offset + DEGREE_OFFSET + Math.min(degree, DEGREE_SLOTS - 1)] = 1f;
        int charge = atom.getFormalCharge() == null ? 0 : atom.getFormalCharge();
        out[offset + CHARGE_OFFSET + (charge >= -1 && charge <= 1 ? charge + 1 : CHARGE_SLOTS - 1)] = 1f;
        out[offset + AROMATIC_OFFSET] = atom.isAromatic() ? 1f : 0f;
        int hydrogens = AtomContainerManipulator.countHydrogens(molecule, atom);
        out[offset + HYDROGEN_OFFSET + Math.min(hydrogens, HYDROGEN_SLOTS - 1)] = 1f;
    }
}
