package io.qat4j.training.config;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The datasets an experiment can name in {@code dataset.name}, with what the configuration can
 * check about them before any data is read.
 *
 * <p>New datasets are added here (one constant each), and get a loader in
 * {@code io.qat4j.training.data}. The YAML spelling is {@link #yamlName()}.
 */
public enum DatasetKind implements ConfigChoice {

    /** Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28x28 grey-scale images, 10 classes. */
    FASHION_MNIST("fashion-mnist", Modality.IMAGE, new InputShape(1, 28, 28), 10),
    /** Cora citation graph (LINQS/Planetoid split): node classification, 7 classes. */
    CORA("cora", Modality.GRAPH_NODES, null, 7),
    /** MUTAG (TU Dortmund graph kernels collection): graph classification, 2 classes. */
    MUTAG("mutag", Modality.GRAPHS, null, 2),
    /** PROTEINS (TU Dortmund collection): graph classification, 2 classes. */
    PROTEINS("proteins", Modality.GRAPHS, null, 2),
    /** ENZYMES (TU Dortmund collection): graph classification, 6 classes. */
    ENZYMES("enzymes", Modality.GRAPHS, null, 6),
    /** REDDIT-BINARY (TU Dortmund collection): graph classification, 2 classes. */
    REDDIT_BINARY("reddit-binary", Modality.GRAPHS, null, 2),
    /** ESOL (MoleculeNet): water solubility regression from SMILES; no classes. */
    ESOL("esol", Modality.MOLECULES, null, 0),
    /** SST-2 (GLUE): binary sentiment classification of sentences, 2 classes. */
    SST2("sst2", Modality.TEXT, null, 2);

    /** The kind of examples a dataset holds, which decides the model family that fits it. */
    public enum Modality {
        /** Images, channels x height x width. */
        IMAGE,
        /** One graph whose nodes are classified. */
        GRAPH_NODES,
        /** Many graphs, each classified. */
        GRAPHS,
        /** Molecules given as SMILES strings. */
        MOLECULES,
        /** Sentences. */
        TEXT
    }

    private final String yamlName;
    private final Modality modality;
    private final InputShape imageShape;
    private final int classes;

    DatasetKind(String yamlName, Modality modality, InputShape imageShape, int classes) {
        this.yamlName = yamlName;
        this.modality = modality;
        this.imageShape = imageShape;
        this.classes = classes;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    /** @return what the examples are */
    public Modality modality() {
        return modality;
    }

    /** @return the shape of one image, for image datasets whose images all have one shape */
    public Optional<InputShape> imageShape() {
        return Optional.ofNullable(imageShape);
    }

    /** @return the number of classes, for classification datasets */
    public OptionalInt classes() {
        return classes > 0 ? OptionalInt.of(classes) : OptionalInt.empty();
    }
}
