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
 * and quarters as {@code 2025-26Q4}, and read back from that text. Map keys are written as they are.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule().addSerializer(LocalDate.class, ToStringSerializer.instance)
                    .addSerializer(Quarter.class, ToStringSerializer.instance)
                    .addDeserializer(LocalDate.class, new FromText<>(LocalDate.class, LocalDate::parse))
                    .addDeserializer(Quarter.class, new FromText<>(Quarter.class, Quarter::parse)));

    /** A value read back from the text it is written as. */
    private static final class FromText<T> extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<T> {
        private final transient java.util.function.Function<String, T> parse;
        private final Class<T> type;

        FromText(Class<T> type, java.util.function.Function<String, T> parse) {
            super(type);
            this.type = type;
            this.parse = parse;
        }

        @Override
        public T deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctx)
                throws java.io.IOException {
            String text = p.getValueAsString();
            try {
                return parse.apply(text);
            } catch (RuntimeException e) {
                return type.cast(ctx.handleWeirdStringValue(type, text, e.getMessage()));
            }
        }
    }

    private Json() {
    }

    /** The shared mapper; configure a copy ({@link ObjectMapper#copy()}) rather than this one. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
