package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {
    @Test
    void rendersFileLinePathAndMessage() {
        assertThat(new Problem("p.yaml", 7, "sink.table", "bad")).hasToString("p.yaml:7: sink.table: bad");
    }

    @Test
    void leavesOutAnUnknownLineAndAnEmptyPath() {
        assertThat(new Problem("p.yaml", 0, "pipelines", "bad")).hasToString("p.yaml: pipelines: bad");
        assertThat(new Problem("p.yaml", 3, "", "bad")).hasToString("p.yaml:3: bad");
        assertThat(new Problem("p.yaml", 0, "", "bad")).hasToString("p.yaml: bad");
    }

    @Test
    void exceptionMessageListsEveryProblem() {
        ManifestException one = new ManifestException(List.of(new Problem("p.yaml", 1, "name", "x")));
        ManifestException two = new ManifestException(List.of(
                new Problem("p.yaml", 1, "name", "x"), new Problem("p.yaml", 2, "sink", "y")));

        assertThat(one.getMessage()).isEqualTo("invalid manifest (1 problem):\n  p.yaml:1: name: x");
        assertThat(two.getMessage()).isEqualTo("invalid manifest (2 problems):\n  p.yaml:1: name: x\n  p.yaml:2: sink: y");
    }

    @Test
    void secretsPrintMasked() {
        Secret s = new Secret("hunter2");
        assertThat(s).hasToString("****");
        assertThat(s.reveal()).isEqualTo("hunter2");
        assertThat(new ClientProperties(java.util.Map.of("sasl.jaas.config", "x", "ssl.key.password", "y",
                "my.token", "z", "ssl.keystore.key", "k", "acks", "all")))
                .hasToString("{acks=all, my.token=****, sasl.jaas.config=****, ssl.key.password=****, ssl.keystore.key=****}");
    }
}
