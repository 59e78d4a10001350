package io.qat4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What qat4j-spark.jar holds, checked against Spark's own classpath (spark-runtime's
 * spark-classpath.txt) and against the qat4j jars it was built from.
 *
 * <p>No class of the job jar may also be a class of Spark's jars: spark-submit puts Spark's jars
 * first, so such a class would silently be Spark's version (the clash table in README's
 * "Run on a cluster" lists what was relocated or left out to get there). Every ServiceLoader file
 * of the qat4j modules must list all its providers in the job jar (the shade's
 * {@code ServicesResourceTransformer} merges same-named files; without it one module's file would
 * hide the others'), and no signature file may remain (a stale signature makes the JVM reject the jar).
 */
class JobJarContentsIT {

    private static final Path JOB_JAR = Path.of(System.getProperty("qat4j.spark.jar", "target/qat4j-spark.jar"));
    private static final Path SPARK_CLASSPATH = Path.of(System.getProperty("qat4j.spark.classpath",
            "../spark-runtime/target/spark-classpath.txt"));
    private static final List<String> QAT4J_MODULES = List.of("int8-executor", "quant-layers", "training");

    @Test
    void noClassOfTheJobJarIsAlsoOnSparksClasspath() throws IOException {
        Map<String, String> sparkClasses = new HashMap<>();
        for (String entry : Files.readString(SPARK_CLASSPATH, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
            try (JarFile jar = new JarFile(entry)) {
                jar.stream().map(ZipEntry::getName).filter(JobJarContentsIT::isClass)
                        .forEach(n -> sparkClasses.putIfAbsent(n, Path.of(entry).getFileName().toString()));
            }
        }
        Map<String, Set<String>> clashesByPackage = new TreeMap<>();
        int classes = 0;
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            for (String name : jar.stream().map(ZipEntry::getName).filter(JobJarContentsIT::isClass).toList()) {
                classes++;
                String spark = sparkClasses.get(name);
                if (spark != null) {
                    clashesByPackage.computeIfAbsent(name.substring(0, name.lastIndexOf('/')), k -> new TreeSet<>()).add(spark);
                }
            }
        }
        assertTrue(classes > 10_000, "job jar has only " + classes + " classes: " + JOB_JAR);
        assertTrue(sparkClasses.size() > 10_000, "Spark classpath has only " + sparkClasses.size() + " classes");
        assertEquals(Map.of(), clashesByPackage, "packages of " + JOB_JAR + " also in Spark's jars (relocate or leave out)");
    }

    @Test
    void serviceFilesOfAllModulesAreMergedAndSignaturesStripped() throws IOException {
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            int checked = 0;
            for (String module : QAT4J_MODULES) {
                Path services = Path.of("..", module, "src/main/resources/META-INF/services");
                List<Path> files;
                try (var list = Files.list(services)) {
                    files = list.toList();
                }
                for (Path file : files) {
                    Set<String> merged = providers(jar, "META-INF/services/" + file.getFileName());
                    for (String provider : providers(Files.readString(file, StandardCharsets.UTF_8))) {
                        assertTrue(merged.contains(provider), () -> file + ": provider " + provider + " missing from the job jar");
                        assertTrue(jar.getEntry(provider.replace('.', '/') + ".class") != null, provider + " class missing");
                        checked++;
                    }
                }
            }
            assertTrue(checked >= QAT4J_MODULES.size(), "only " + checked + " providers found");
            List<String> signatures = new ArrayList<>();
            jar.stream().map(ZipEntry::getName).filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")).forEach(signatures::add);
            assertEquals(List.of(), signatures);
            assertEquals("io.qat4j.jobs.Qat4j", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    private static Set<String> providers(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertTrue(entry != null, name + " missing from the job jar");
        try (InputStream in = jar.getInputStream(entry)) {
            return providers(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Set<String> providers(String serviceFile) {
        Set<String> out = new TreeSet<>();
        for (String line : serviceFile.split("\n")) {
            String p = line.replaceFirst("#.*", "").strip();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }
}
