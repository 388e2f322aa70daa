package uk.nhs.phb.schemas;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Code lists held as reference data: {@code codes/<name>.csv} resources with header {@code code,meaning}.
 * Changing a national code list is a data change, not a code change.
 */
public final class CodeLists {
    private static final Map<String, Map<String, String>> CACHE = new ConcurrentHashMap<>();

    private CodeLists() {
    }

    /** Codes of the named list, in file order, mapped to their meaning. */
    public static Map<String, String> get(String listName) {
        return CACHE.computeIfAbsent(listName, CodeLists::load);
    }

    private static Map<String, String> load(String listName) {
        String path = "codes/" + listName + ".csv";
        InputStream in = CodeLists.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalArgumentException("no code list '" + listName + "' (resource " + path + ")");
        }
        Map<String, String> codes = new LinkedHashMap<>();
        for (Csv.Row r : Csv.rows("code list " + path, new InputStreamReader(in, StandardCharsets.UTF_8), List.of("code", "meaning"))) {
            codes.put(r.get("code"), r.get("meaning"));
        }
        return Collections.unmodifiableMap(codes);
    }
}
