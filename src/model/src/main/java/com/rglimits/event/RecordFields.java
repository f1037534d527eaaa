package com.rglimits.event;

/**
 * The fields of one record as {@link EventParser} reads them, whichever way the record was read. A
 * strict read throws when a present value has the wrong type; a lenient one (for records of other
 * types) answers null.
 */
abstract class RecordFields {
    /**
     * Null when absent or JSON null; a value that is not a string breaks the contract.
     *
     * @param expected what the message says it must be ("a string", "a decimal string")
     */
    abstract String text(RecordField field, String expected) throws InvalidEventException;

    /** Null when absent or JSON null; a value that is not an integer that fits a long breaks the contract. */
    abstract Long integer(RecordField field) throws InvalidEventException;

    /** False when absent or JSON null, true for an object; anything else breaks the contract. */
    abstract boolean object(RecordField field) throws InvalidEventException;

    /** The value when it is a string, else null. */
    abstract String stringOrNull(RecordField field) throws InvalidEventException;

    /** The value when it is an integer that fits a long, else null. */
    abstract Long integerOrNull(RecordField field) throws InvalidEventException;
}
