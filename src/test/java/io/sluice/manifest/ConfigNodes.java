package io.sluice.manifest;

import java.io.StringReader;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** For tests of parsers outside this package: a {@link ConfigNode} over a YAML mapping, reporting into {@code problems}. */
public final class ConfigNodes {
    private ConfigNodes() {}

    /** {@code yaml} (a mapping) read as the section at {@code path}, with {@code env} for {@code ${VAR}} expansion. */
    public static ConfigNode of(String path, String yaml, Map<String, String> env, Problems problems) {
        ConfigNode.Context ctx = new ConfigNode.Context("pipeline.yaml", problems, new EnvExpander(env));
        return new ConfigNode(ctx, path, new Yaml().compose(new StringReader(yaml)));
    }
}
