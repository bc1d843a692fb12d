package io.sluice.source;

import io.sluice.manifest.TopicSelection;
import java.util.Collection;
import java.util.List;

/** Says that {@code topics_regex} matches no topic, with what the cluster has, so a run that reads nothing is not a mystery. */
final class NoMatch {
    private static final int SHOWN = 10;

    private NoMatch() {}

    static String describe(TopicSelection.Matching m, Collection<String> topics, boolean continuous) {
        String regex = m.pattern().pattern();
        StringBuilder s = new StringBuilder("source.topics_regex \"" + regex + "\" matches no topic");
        List<String> partial = topics.stream().filter(t -> m.pattern().matcher(t).find()).sorted().limit(3).toList();
        if (topics.isEmpty()) {
            s.append("; the cluster has no topics");
        } else {
            List<String> names = topics.stream().sorted().limit(SHOWN).toList();
            s.append("; the cluster has ").append(topics.size()).append(topics.size() == 1 ? " topic: " : " topics: ")
                    .append(String.join(", ", names)).append(topics.size() > SHOWN ? ", ..." : "");
        }
        if (!partial.isEmpty()) {
            s.append(" (the regex must match the whole name: ").append(String.join(", ", partial))
                    .append(" contain").append(partial.size() == 1 ? "s" : "").append(" a match; \".*")
                    .append(regex).append(".*\" would select ").append(partial.size() == 1 ? "it" : "them").append(")");
        }
        s.append(continuous ? "; matching topics are picked up as they appear" : "; nothing will be read");
        return s.toString();
    }
}
