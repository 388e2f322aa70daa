package uk.nhs.phb.schemas.profiles;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LambdaFunction;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.jdk.javaapi.CollectionConverters;

/** Parses a profile's Spark SQL expression and names the columns it reads, so a profile is checked when loaded. */
final class SqlExpressions {
    private SqlExpressions() {
    }

    /** The column names {@code sql} reads (lower case; a joined table's as {@code join.column}), or an exception naming what does not parse. */
    static Set<String> columns(String sql) {
        Expression e;
        try {
            e = CatalystSqlParser$.MODULE$.parseExpression(sql);
        } catch (Exception ex) { // Spark's ParseException is checked in Java's eyes, yet thrown from Scala
            String first = String.valueOf(ex.getMessage()).lines().findFirst().orElse("");
            throw new IllegalArgumentException("the expression '" + sql + "' is not valid Spark SQL (" + first + ")");
        }
        Set<String> out = new LinkedHashSet<>();
        collect(e, new HashSet<>(), out);
        return out;
    }

    private static void collect(Expression e, Set<String> bound, Set<String> out) {
        if (e instanceof UnresolvedAttribute a) {
            // a joined table's column is read as join.column: the whole name, so it can be checked against the join's columns
            String head = a.nameParts().head().toLowerCase(Locale.ROOT);
            if (!bound.contains(head)) {
                out.add(String.join(".", CollectionConverters.asJava(a.nameParts())).toLowerCase(Locale.ROOT));
            }
            return;
        }
        Set<String> inner = bound;
        if (e instanceof LambdaFunction f) {
            inner = new HashSet<>(bound);
            for (NamedExpression arg : CollectionConverters.asJava(f.arguments())) {
                inner.add(arg.name().toLowerCase(Locale.ROOT));
            }
        }
        for (Expression child : CollectionConverters.asJava(e.children())) {
            collect(child, inner, out);
        }
    }
}
