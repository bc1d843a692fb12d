package io.sluice.sink.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The domain metadata entry {@value #DOMAIN} that every Sluice maintenance commit (a compaction) rewrites: two of them
 * racing on one table conflict in Kernel (same domain), so the loser re-checks what it read instead of Kernel rebasing
 * it blindly; ingestion commits (domain {@link PositionsDomain#DOMAIN}) do not conflict with it. It names the operation
 * (which {@code sluice table history} shows) and carries a stamp unique to the commit, which tells a run whose commit's
 * outcome it never heard whether the commit landed.
 */
record MaintenanceDomain(String operation, String stamp, int filesRemoved, int filesAdded) {
    static final String DOMAIN = "sluice.maintenance";
    static final int FORMAT = 1;
    static final String OPTIMIZE = "optimize";
    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("operation", operation);
        root.put("commit", stamp);
        root.put("files_removed", filesRemoved);
        root.put("files_added", filesAdded);
        return root.toString();
    }

    /** The operation an entry names; empty when it is not one Sluice wrote. */
    static Optional<String> operation(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            return root.path("format").asInt(-1) == FORMAT && root.hasNonNull("operation")
                    ? Optional.of(root.get("operation").asText()) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
