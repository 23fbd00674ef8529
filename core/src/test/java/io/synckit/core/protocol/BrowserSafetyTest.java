package io.synckit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The codec runs in the browser through TeaVM (JS and wasm-gc), where some Java is slow, heavy or absent
 * (see TOOLCHAIN.md). Nothing in this build compiles {@code core.protocol} with TeaVM until the engine's
 * facade uses it, so this test reads the compiled classes' constant pools and fails on what must stay out:
 * {@code long} anywhere (a BigInt in JS), String.format, Double's text conversions (also implicit ones: a
 * double in a string concatenation or StringBuilder.append), reflection and getClass, java.nio, records
 * and pattern switches.
 */
class BrowserSafetyTest {
    static final Path CLASSES = Paths.get("target/classes/io/synckit/core/protocol");

    @Test
    void protocolClassesUseNothingTeaVmHandlesBadly() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CLASSES)) {
            files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(files.size() >= 20, "expected the protocol classes in " + CLASSES.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            for (String p : problems(Files.readAllBytes(f))) {
                problems.add(f.getFileName() + ": " + p);
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The sync engine runs in the browser too (SyncClient; SyncServer shares its code and types). */
    @Test
    void syncClassesUseNothingTeaVmHandlesBadly() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("target/classes/io/synckit/core/sync"))) {
            files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "expected the sync classes");
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            for (String p : problems(Files.readAllBytes(f))) {
                problems.add(f.getFileName() + ": " + p);
            }
        }
        assertEquals(List.of(), problems);
    }

    /** What is wrong with one class file. */
    static List<String> problems(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] tags = new int[count];
        int[] a = new int[count];
        int[] b = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    a[i] = in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access flags
        in.readUnsignedShort(); // this class
        int superClass = in.readUnsignedShort();

        List<String> problems = new ArrayList<>();
        if (superClass != 0 && utf8[a[superClass]].equals("java/lang/Record")) {
            problems.add("a record");
        }
        for (int i = 1; i < count; i++) {
            if (tags[i] == 1 && (utf8[i].equals("J") || utf8[i].equals("[J")
                    || (utf8[i].startsWith("(") && hasLong(utf8[i])))) {
                problems.add("long in a signature or field: " + utf8[i]);
            }
            if (tags[i] == 7) {
                String c = utf8[a[i]];
                if (c.equals("java/lang/Long") || c.startsWith("java/nio/") || c.startsWith("java/lang/reflect/")
                        || c.startsWith("java/lang/runtime/") || c.equals("java/lang/Class")) {
                    problems.add("uses " + c);
                }
            }
            if (tags[i] >= 9 && tags[i] <= 11) {
                String owner = utf8[a[a[i]]];
                String name = utf8[a[b[i]]];
                String desc = utf8[b[b[i]]];
                String ref = owner + "." + name + desc;
                if ((owner.equals("java/lang/String") && name.equals("format"))
                        || owner.equals("java/lang/Double") || owner.equals("java/lang/Float")
                        || name.equals("getClass")
                        || ((owner.equals("java/lang/StringBuilder") || owner.equals("java/lang/String"))
                            && (desc.startsWith("(D)") || desc.startsWith("(F)") || desc.startsWith("(J)")))) {
                    problems.add("calls " + ref);
                }
            }
            if (tags[i] == 18) {
                String name = utf8[a[b[i]]];
                String desc = utf8[b[b[i]]];
                if (name.equals("makeConcatWithConstants") && (hasType(desc, 'D') || hasType(desc, 'F') || hasLong(desc))) {
                    problems.add("converts a floating-point number or long to text in a string concatenation " + desc
                            + " (Double.toString: write it with Texts.number)");
                }
            }
        }
        return problems;
    }

    private static boolean hasLong(String methodDescriptor) {
        return hasType(methodDescriptor, 'J');
    }

    /** Whether a method descriptor has a primitive parameter or return type {@code t} (arrays included). */
    private static boolean hasType(String desc, char t) {
        for (int i = 0; i < desc.length(); i++) {
            char c = desc.charAt(i);
            if (c == 'L') {
                i = desc.indexOf(';', i);
            } else if (c == t) {
                return true;
            }
        }
        return false;
    }
}
