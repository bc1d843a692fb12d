package io.sluice.cli;

import io.sluice.manifest.Manifest;
import io.sluice.manifest.ManifestException;
import io.sluice.manifest.ManifestLoader;
import io.sluice.manifest.PipelineSpec;
import io.sluice.manifest.Problem;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.pipeline.Words;
import io.sluice.sink.Queries;
import io.sluice.sink.QueryResult;
import io.sluice.sink.SinkProvider;
import io.sluice.sink.SinkRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", description = "Runs read-only SQL over the tables a pipeline wrote (for DuckDB, its file) and"
        + " prints the result, e.g. sluice query examples/quickstart.yaml \"select count(*) from sensor_events\".")
final class QueryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MANIFEST", description = "The pipeline manifest (YAML).")
    Path manifest;

    @Parameters(index = "1", paramLabel = "SQL", description = "One SQL statement; quote it for the shell.")
    String sql;

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "The pipeline whose sink to query (default: the only one, or the first when all share one sink).")
    String pipeline;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output: table (default), json (an array of objects) or csv, on stdout.")
    QueryOutput.Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SinkRegistry sinks = SinkRegistry.load();
        Manifest m = new ManifestLoader(System.getenv(), sinks).load(manifest);
        PipelineSpec p = choose(m);
        SinkProvider provider = sinks.provider(p.sink().type()).orElseThrow(() -> new SluiceException(Stage.QUERY,
                "no sink type " + p.sink().type()));
        Queries queries = provider.openQueries(p.sink().config(), p.name()).orElseThrow(() -> new SluiceException(Stage.QUERY,
                "sink type " + p.sink().type() + " (pipeline " + p.name() + ") cannot be queried by `sluice query` yet"));
        QueryResult result;
        try (queries) {
            result = queries.run(sql);
        }
        PrintWriter out = spec.commandLine().getOut();
        QueryOutput.print(out, result, format);
        out.flush();
        if (format == QueryOutput.Format.table) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("(" + Words.count(result.rows().size(), "row") + ")");
            err.flush();
        }
        return ExitCodes.OK;
    }

    private PipelineSpec choose(Manifest m) {
        List<PipelineSpec> all = m.pipelines();
        List<String> names = all.stream().map(PipelineSpec::name).toList();
        if (pipeline != null) {
            return m.pipeline(pipeline).orElseThrow(() -> new ManifestException(List.of(new Problem(m.file(), 0, "",
                    "no pipeline named \"" + pipeline + "\" (pipelines: " + String.join(", ", names) + ")"))));
        }
        boolean oneSink = all.stream().map(x -> x.sink().type() + " " + x.sink().config().location()).distinct().count() == 1;
        if (!oneSink) {
            throw new ManifestException(List.of(new Problem(m.file(), 0, "", "the pipelines write to different sinks;"
                    + " choose one with --pipeline (pipelines: " + String.join(", ", names) + ")")));
        }
        return all.get(0);
    }
}
