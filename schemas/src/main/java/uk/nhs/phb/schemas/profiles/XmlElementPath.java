package uk.nhs.phb.schemas.profiles;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An element path below an XML return's root, as a profile writes it: element names joined by dots
 * ({@code Children.Child.CINdetails}), where a name ending in {@code ?} is an element that may or may not wrap the
 * steps after it ({@code Pupils.PupilsOnRoll?.PupilOnRoll}): files with and without it are read alike.
 */
public final class XmlElementPath implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final List<String> steps;
    /** Per step, the element that may wrap it, or null. */
    private final List<String> wrappers;

    private XmlElementPath(String text, List<String> steps, List<String> wrappers) {
        this.text = text;
        this.steps = List.copyOf(steps);
        this.wrappers = Collections.unmodifiableList(new ArrayList<>(wrappers));
    }

    public static XmlElementPath parse(String text) {
        List<String> steps = new ArrayList<>();
        List<String> wrappers = new ArrayList<>();
        String pending = null;
        for (String step : text.split("\\.")) {
            if (step.endsWith("?")) {
                pending = step.substring(0, step.length() - 1);
            } else {
                steps.add(step);
                wrappers.add(pending);
                pending = null;
            }
        }
        return new XmlElementPath(text, steps, wrappers);
    }

    /** The steps without the optional wrappers. */
    public List<String> steps() {
        return steps;
    }

    /**
     * Whether {@code name}, opening below the elements {@code opened} (the steps read so far, below the root and without
     * wrappers), is this path's optional wrapper of its next step.
     */
    public boolean wraps(List<String> opened, String name) {
        int next = opened.size();
        return next < steps.size() && name.equals(wrappers.get(next)) && opened.equals(steps.subList(0, next));
    }

    @Override
    public String toString() {
        return text;
    }
}
