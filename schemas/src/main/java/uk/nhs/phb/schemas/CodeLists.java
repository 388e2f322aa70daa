package uk.nhs.phb.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
        try (InputStream in = CodeLists.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no code list '" + listName + "' (resource " + path + ")");
            }
            Map<String, String> codes = new LinkedHashMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (header == null || !header.startsWith("code,")) {
                throw new IllegalStateException("code list " + path + " must start with header 'code,meaning'");
            }
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int comma = line.indexOf(',');
                String code = comma < 0 ? line : line.substring(0, comma);
                String meaning = comma < 0 ? "" : line.substring(comma + 1).replace("\"", "");
                codes.put(code.trim(), meaning.trim());
            }
            return java.util.Collections.unmodifiableMap(codes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading code list " + path, e);
        }
    }
}
