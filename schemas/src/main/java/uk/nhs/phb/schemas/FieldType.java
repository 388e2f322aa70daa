package uk.nhs.phb.schemas;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The value types a feed field can hold, with the Spark type each is stored as in bronze. */
public enum FieldType {
    STRING(DataTypes.StringType),
    INTEGER(DataTypes.IntegerType),
    LONG(DataTypes.LongType),
    /** Money and other exact amounts: decimal(18,2), never binary floating point. */
    DECIMAL(DataTypes.createDecimalType(18, 2)),
    /** ISO-8601 calendar date, {@code yyyy-MM-dd}. */
    DATE(DataTypes.DateType),
    /** {@code Y}/{@code N} in landing files. */
    BOOLEAN(DataTypes.BooleanType);

    private final DataType sparkType;

    FieldType(DataType sparkType) {
        this.sparkType = sparkType;
    }

    public DataType sparkType() {
        return sparkType;
    }
}
