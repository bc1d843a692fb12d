package io.sluice.sink;

import io.sluice.manifest.ConfigNode;
import io.sluice.schema.Names;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of a sink that writes tables named by its {@code table:} setting: a fixed table name, or a
 * template in which {@code {topic}} stands for the topic's name made safe ({@link Names#safeIdentifier}). A config
 * record that has {@code tableTemplate} and {@code mergeTopics} components gets {@link #targetFor} and
 * {@link #targetPerTopic} from here; its provider reads the setting with {@link #parseTable}.
 */
public interface TableSinkConfig extends SinkConfig {
    /** The one placeholder a template may use. */
    String TOPIC = "{topic}";

    /** The {@code table:} setting as the manifest gave it. */
    String tableTemplate();

    /** Whether topics whose names the template maps to one table may share it ({@code merge_topics: true}). */
    boolean mergeTopics();

    @Override
    default String targetFor(String topic) {
        return tableTemplate().replace(TOPIC, Names.safeIdentifier(topic));
    }

    @Override
    default boolean targetPerTopic() {
        return tableTemplate().contains(TOPIC) && !mergeTopics();
    }

    /**
     * Reads {@code table} (default {@code {topic}}) from {@code node} and returns it as written. Reports on
     * {@code node} each placeholder other than {@code {topic}}, and a name that {@code validName} refuses once
     * {@code {topic}} is filled in: {@code "<table>" is not a valid <what> (allowed: <allowed>)}. Never throws.
     *
     * @param what    what the name becomes, for the message ({@code table name}, {@code table directory name})
     * @param allowed what a name may hold, for the message
     */
    static String parseTable(ConfigNode node, Predicate<String> validName, String what, String allowed) {
        String table = node.string("table", TOPIC);
        Matcher m = Pattern.compile("\\{([^}]*)}").matcher(table);
        boolean unknownPlaceholder = false;
        while (m.find()) {
            if (!m.group(1).equals("topic")) {
                node.error("table", "\"" + table + "\" uses unknown placeholder " + m.group(1) + " (known: topic)");
                unknownPlaceholder = true;
            }
        }
        // every name the template can make must be valid: a stray "{" or "}" does not exempt the rest from the check
        String probe = table.replace(TOPIC, "t");
        if (!unknownPlaceholder && !validName.test(probe)) {
            node.error("table", "\"" + table + "\" is not a valid " + what + " (allowed: " + allowed + ")");
        }
        return table;
    }
}
