package io.sluice.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> KEYS = List.of("bootstrap_servers", "client_id", "sasl_password", "timeout_ms");

    @Test
    void closeMisspellingsGetASuggestion() {
        assertThat(Suggestions.didYouMean("bootstrap_server", KEYS)).isEqualTo("; did you mean bootstrap_servers?");
        assertThat(Suggestions.didYouMean("sasl_pasword", KEYS)).isEqualTo("; did you mean sasl_password?");
        assertThat(Suggestions.closest("duckbd", List.of("duckdb"))).contains("duckdb");
    }

    @Test
    void caseIsIgnoredButTheKnownSpellingIsSuggested() {
        assertThat(Suggestions.closest("CLIENT_ID", KEYS)).contains("client_id");
    }

    @Test
    void distantWordsGetNoSuggestion() {
        assertThat(Suggestions.didYouMean("owner", KEYS)).isEmpty();
        assertThat(Suggestions.closest("compression", List.of("path", "schema", "table", "type"))).isEmpty();
        assertThat(Suggestions.closest("anything", List.of())).isEmpty();
    }

    @Test
    void shortWordsAllowTwoEditsLongerOnesAThird() {
        assertThat(Suggestions.closest("tpe", List.of("type"))).contains("type");
        assertThat(Suggestions.closest("xxpe", List.of("type"))).contains("type");
        assertThat(Suggestions.closest("xxxe", List.of("type"))).isEmpty();
        // 12 letters allow 4 edits.
        assertThat(Suggestions.closest("topicsxxxxex", List.of("topics_regex"))).contains("topics_regex");
    }
}
