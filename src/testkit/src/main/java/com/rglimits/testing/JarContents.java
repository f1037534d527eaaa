package com.rglimits.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a built jar holds of this project: for the tests of the application jar and the query service's jar. */
public final class JarContents {
    private static final Pattern PROJECT_REFERENCE = Pattern.compile("com/rglimits/([a-z]+)/");

    private JarContents() {}

    /** The project's packages (com.rglimits.X) that hold classes among these entries. */
    public static Set<String> projectPackages(List<String> names) {
        Set<String> packages = new TreeSet<>();
        for (String name : names) {
            Matcher m = PROJECT_REFERENCE.matcher(name);
            if (name.endsWith(".class") && m.lookingAt()) {
                packages.add(m.group(1));
            }
        }
        return packages;
    }

    /** The project's packages that the project's classes in this jar name in their constant pools. */
    public static Set<String> referencedProjectPackages(JarFile jar, List<String> names) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith("com/rglimits/") && name.endsWith(".class")) {
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    Matcher m = PROJECT_REFERENCE.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        packages.add(m.group(1));
                    }
                }
            }
        }
        return packages;
    }
}
