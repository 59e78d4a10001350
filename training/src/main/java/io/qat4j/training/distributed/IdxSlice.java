package io.qat4j.training.distributed;

import io.qat4j.training.data.IdxStream;
import java.io.Serializable;

/**
 * The work of one Spark task of {@link DistributedEvaluation}: a range of records of a pair of IDX
 * files (images and their labels, "THE IDX FILE FORMAT", LeCun et al.,
 * <a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>) on a Hadoop
 * FileSystem. A range of plain files is read by seeking to {@code headerBytes + first * recordBytes};
 * gzip files cannot be split, so a slice of a gzip file covers all its records and is streamed
 * from the start.
 *
 * @param index the slice's number, which names its predictions part file ({@code part-00003})
 * @param imagesUri URI of the image file
 * @param images its header, read on the driver
 * @param labelsUri URI of the label file
 * @param labels its header, read on the driver
 * @param first first record of the range
 * @param count records in the range, possibly 0
 */
public record IdxSlice(int index, String imagesUri, IdxStream.Header images, String labelsUri, IdxStream.Header labels,
                       long first, long count) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Checks the range against the files. */
    public IdxSlice {
        if (first < 0 || count < 0 || first + count > images.records() || images.records() != labels.records()) {
            throw new IllegalArgumentException("records [" + first + ", " + (first + count) + ") of " + imagesUri + " ("
                    + images.records() + " images) and " + labelsUri + " (" + labels.records() + " labels)");
        }
        if ((images.gzip() || labels.gzip()) && (first != 0 || count != images.records())) {
            throw new IllegalArgumentException("a gzip file cannot be split: a slice of " + imagesUri + " and " + labelsUri
                    + " covers all " + images.records() + " records");
        }
    }

    /** @return true when either file is gzip-compressed: the slice streams both from their start */
    public boolean streamed() {
        return images.gzip() || labels.gzip();
    }

    /** @return the name of this slice's predictions file, {@code part-NNNNN} as Hadoop names task outputs */
    public String partName() {
        return String.format(java.util.Locale.ROOT, "part-%05d", index);
    }
}
