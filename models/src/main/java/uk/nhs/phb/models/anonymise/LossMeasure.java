package uk.nhs.phb.models.anonymise;

/**
 * Information-loss measures the search can minimise. Notation: N records; q quasi-identifiers of which q'
 * can be generalised (maximum level h_i > 0); a transformation puts QI i at level L_i; S records suppressed
 * (their classes fail a privacy model); kept classes E with |E| records. Suppressed records count as fully
 * generalised ({@code *} in every QI). None of the three is monotonic under suppression (generalising can
 * un-suppress records and lower the loss), so the search never assumes it; it prunes with lower bounds
 * instead (see {@link Anonymise}).
 */
public enum LossMeasure {
    /**
     * Generalisation height per record ("precision", Sweeney's Prec loss):
     * {@code loss = (1 - S/N) * H + S/N} with {@code H = (1/q') sum_i L_i / h_i} over the QIs with h_i > 0.
     * Range 0 (nothing generalised) to 1 (everything {@code *}). Lower bound used for pruning: H, since
     * {@code loss - H = (S/N)(1 - H) >= 0}, and H grows with every level.
     */
    PRECISION,
    /**
     * Non-uniform entropy (de Waal and Willenborg; Gionis and Tassa), in bits:
     * {@code loss = sum_i sum_records -log2( f_i(original value) / f_i(generalised value) )}, where f_i(x)
     * is the number of input records whose QI i is x or generalises to x at the transformation's level, and
     * a suppressed record's generalised value is {@code *} (f = N). Reported also normalised by its maximum
     * {@code N * sum_i H_i} (everything {@code *}; H_i the entropy in bits of column i). Lower bound used
     * for pruning: the same sum with no suppression, which depends only on the levels (it is a sum over
     * columns) and grows with every level; suppression only adds to it.
     */
    NON_UNIFORM_ENTROPY,
    /**
     * Discernibility (Bayardo and Agrawal): {@code DM = sum_{kept E} |E|^2 + S * N} (a kept record costs the
     * size of its class, a suppressed one N). Lower bound used for pruning: {@code sum over all classes |E|^2}
     * with no suppression penalty, which grows under generalisation (merging classes), so the value at any
     * evaluated transformation bounds every more general one.
     */
    DISCERNIBILITY,
    /**
     * Generalised loss (Iyengar 2002; ARX's default "Loss"), 0 to 1: a value generalised to a node with {@code m}
     * of the column's {@code M} values beneath it loses {@code (m - 1) / (M - 1)}, a suppressed one 1; averaged over
     * the records and the quasi-identifiers with more than one value. {@code M} and {@code m} count the values present
     * in the input (ARX counts the hierarchy's; the two agree when a hierarchy lists only values that occur). Lower
     * bound used for pruning: the same average with no suppression, which depends only on the levels (a sum over
     * columns) and grows with every level, since a level only merges values; suppression only adds to it.
     */
    IYENGAR
}
