package io.sluice.cli;

import io.sluice.dev.BrokerStatus;
import io.sluice.dev.Installation;
import io.sluice.dev.LocalBroker;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dev", description = "A local Kafka broker for trying Sluice: dev up | down | status.",
        subcommands = {DevCommand.Up.class, DevCommand.Down.class, DevCommand.Status.class})
final class DevCommand {

    static LocalBroker broker(DevOptions opts) {
        return new LocalBroker(opts.settings(), Installation.current());
    }

    static void printReach(PrintWriter out, BrokerStatus s, String downCommand) {
        out.println(s.describe());
        out.println("  bootstrap servers: " + s.bootstrap());
        out.println("  for manifests:     export KAFKA_BOOTSTRAP_SERVERS=" + s.bootstrap());
        out.println("  stop with:         " + downCommand);
        out.flush();
    }

    @Command(name = "up", description = "Starts a single-node KRaft broker in the background (or reports the one running).")
    static final class Up implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            BrokerStatus s = broker(opts).up(msg -> {
                err.println(msg);
                err.flush();
            });
            printReach(spec.commandLine().getOut(), s, opts.downCommand());
            return ExitCodes.OK;
        }
    }

    @Command(name = "down", description = "Stops the broker that `dev up` started (by its pid); its data stays unless --purge.")
    static final class Down implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Option(names = "--purge", description = "Also delete the broker's data.")
        boolean purge;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LocalBroker b = broker(opts);
            boolean stopped = b.down(msg -> spec.commandLine().getErr().println(msg));
            out.println(stopped ? "kafka: stopped" : "kafka: not running (nothing to stop in " + opts.settings().dir() + ")");
            if (purge) {
                b.purge();
                out.println("kafka: data deleted");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "Tells whether the local broker runs, where, and since when.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BrokerStatus s = broker(opts).status();
            PrintWriter out = spec.commandLine().getOut();
            if (format.equals("json")) {
                Map<String, Object> o = new LinkedHashMap<>();
                Map<String, Object> kafka = new LinkedHashMap<>();
                kafka.put("running", s.running());
                kafka.put("bootstrap", s.bootstrap());
                kafka.put("pid", s.pid().orElse(null));
                kafka.put("started_at", s.startedAt().map(Object::toString).orElse(null));
                kafka.put("data_dir", s.dataDir().toString());
                kafka.put("log", s.logFile().toString());
                o.put("kafka", kafka);
                out.println(Json.write(o));
            } else {
                out.println(s.describe());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
