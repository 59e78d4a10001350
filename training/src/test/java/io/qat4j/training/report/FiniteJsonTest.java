package io.qat4j.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's JSON files hold standard JSON: numbers that could not be computed are null. */
class FiniteJsonTest {

    @Test
    void nanAndInfinityBecomeNullAtEveryDepthAndFiniteNumbersStay(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = json.createObjectNode();
        n.put("loss", Double.NaN);
        n.put("ratio", Double.POSITIVE_INFINITY);
        n.put("accuracy", 0.5);
        n.put("steps", 3);
        n.putArray("epochs").addObject().put("meanLoss", Double.NaN).put("epoch", 0);
        n.withArray("epochs").add(Float.NEGATIVE_INFINITY).add(1.25);
        FiniteJson.write(dir.resolve("m.json"), n);
        String text = Files.readString(dir.resolve("m.json"));
        assertEquals(json.readTree("{\"loss\":null,\"ratio\":null,\"accuracy\":0.5,\"steps\":3,"
                + "\"epochs\":[{\"meanLoss\":null,\"epoch\":0},null,1.25]}"), json.readTree(text), text);
    }
}
