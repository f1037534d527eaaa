package com.rglimits.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * For the tests of the hand-written serializers: every instance field of a class, and a value per
 * field that no other field of the same type gets, so that a field left out or two fields mixed up
 * show in a round trip.
 */
public final class FieldSamples {
    /** A field's sample value, for the types the scalar samples do not cover. */
    public interface Sampler {
        Object sample(Field f) throws IllegalAccessException;
    }

    private FieldSamples() {}

    public static List<Field> instanceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        return fields;
    }

    /** The field's sample if it is a string, a long, a decimal or an enum; null otherwise. */
    public static Object scalar(Field f) {
        Class<?> type = f.getType();
        String name = f.getName();
        if (type == String.class) {
            return name + " Zürich €";
        }
        if (type == long.class || type == Long.class) {
            return 1_000_000_000_000L + name.hashCode();
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(BigInteger.valueOf(name.hashCode()), name.length());
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[constants.length - 1];
        }
        return null;
    }

    /** The object with every instance field set to its sample. */
    public static <T> T filled(T object, Sampler sampler) {
        try {
            for (Field f : instanceFields(object.getClass())) {
                f.set(object, sampler.sample(f));
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return object;
    }
}
