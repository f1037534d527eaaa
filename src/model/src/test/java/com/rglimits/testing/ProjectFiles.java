package com.rglimits.testing;

import java.nio.file.Path;

/**
 * Files at the top of the project (data/, the deployment files, docker-compose.yml): the tests of
 * every module run in their module's folder, and Maven tells them the top one.
 */
public final class ProjectFiles {
    private ProjectFiles() {}

    /** The project's top folder: {@code rglimits.project.dir} (set by the build), else the working directory. */
    public static Path root() {
        return Path.of(System.getProperty("rglimits.project.dir", ".")).toAbsolutePath().normalize();
    }

    public static Path path(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
