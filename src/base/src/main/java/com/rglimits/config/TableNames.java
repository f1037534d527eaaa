package com.rglimits.config;

/** The settings that name the tables, the same for the job, the tools and the query service. */
public final class TableNames {
    /** The limits table. */
    public static final String TABLE_NAME = "table.name";
    public static final String DEFAULT_TABLE = "user-limits";

    private TableNames() {}
}
