package io.sluice.manifest;

import java.util.List;
import java.util.regex.Pattern;

/** Which topics a pipeline reads: a fixed list, or every topic whose whole name matches a pattern. */
public sealed interface TopicSelection {
    boolean matches(String topic);

    record Named(List<String> topics) implements TopicSelection {
        public Named {
            topics = List.copyOf(topics);
        }

        @Override
        public boolean matches(String topic) {
            return topics.contains(topic);
        }

        @Override
        public String toString() {
            return String.join(", ", topics);
        }
    }

    record Matching(Pattern pattern) implements TopicSelection {
        @Override
        public boolean matches(String topic) {
            return pattern.matcher(topic).matches();
        }

        @Override
        public String toString() {
            return "/" + pattern.pattern() + "/";
        }
    }
}
