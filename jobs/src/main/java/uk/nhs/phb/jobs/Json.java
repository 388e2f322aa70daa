package uk.nhs.phb.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.LocalDate;
import uk.nhs.phb.schemas.Quarter;

/**
 * How phb writes its results as JSON, wherever they go (a command's {@code --json}, a run's record in
 * {@code audit/runs}, a summary file): a record's components in snake_case, dates as ISO text ({@code 2026-03-31})
 * and quarters as {@code 2025-26Q4}. Map keys are written as they are.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule().addSerializer(LocalDate.class, ToStringSerializer.instance)
                    .addSerializer(Quarter.class, ToStringSerializer.instance));

    private Json() {
    }

    /** The shared mapper; configure a copy ({@link ObjectMapper#copy()}) rather than this one. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
