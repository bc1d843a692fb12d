package io.sluice.cli;

import io.sluice.dev.BrokerStatus;
import io.sluice.dev.DevSettings;
import io.sluice.dev.Installation;
import io.sluice.dev.LocalBroker;
import io.sluice.dev.registry.LocalRegistry;
import io.sluice.dev.registry.RegistryStatus;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dev", description = "A local Kafka broker and schema registry for trying Sluice: dev up | down | status.",
        subcommands = {DevCommand.Up.class, DevCommand.Down.class, DevCommand.Status.class})
final class DevCommand {

    static LocalBroker broker(DevSettings settings) {
        return new LocalBroker(settings, Installation.current());
    }

    static LocalRegistry registry(DevSettings settings) {
        return new LocalRegistry(settings, Installation.current());
    }

    static void printReach(PrintWriter out, BrokerStatus s, RegistryStatus r, String downCommand) {
        out.println(s.describe());
        out.println(r.describe());
        out.println("  bootstrap servers: " + s.bootstrap());
        out.println("  schema registry: " + r.url());
        out.println("  for manifests:     export KAFKA_BOOTSTRAP_SERVERS=" + s.bootstrap());
        out.println("                     export SCHEMA_REGISTRY_URL=" + r.url());
        out.println("  stop with:         " + downCommand);
        out.flush();
    }

    private static Consumer<String> log(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return msg -> {
            err.println(msg);
            err.flush();
        };
    }

    @Command(name = "up", description = "Starts a single-node KRaft broker and a schema registry in the background (or reports the ones running).")
    static final class Up implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Mixin
        DevOptions.RegistryPort registryPort;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Consumer<String> log = log(spec);
            DevSettings settings = opts.settings(registryPort);
            LocalBroker broker = broker(settings);
            LocalRegistry registry = registry(settings);
            registry.checkCanStart();
            boolean brokerWasRunning = broker.status().running();
            BrokerStatus s = broker.up(log);
            RegistryStatus r;
            try {
                r = registry.up(log);
            } catch (RuntimeException e) {
                if (!brokerWasRunning) {
                    log.accept("kafka: stopping the broker this command started, since the schema registry did not start");
                    broker.down(log);
                }
                throw e;
            }
            printReach(spec.commandLine().getOut(), s, r, opts.downCommand());
            return ExitCodes.OK;
        }
    }

    @Command(name = "down", description = "Stops the broker and the schema registry that `dev up` started (by their pids); "
            + "their data stays unless --purge.")
    static final class Down implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Mixin
        DevOptions.RegistryPort registryPort;

        @Option(names = "--purge", description = "Also delete the broker's and the schema registry's data.")
        boolean purge;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DevSettings settings = opts.settings(registryPort);
            LocalBroker b = broker(settings);
            LocalRegistry r = registry(settings);
            Consumer<String> log = msg -> spec.commandLine().getErr().println(msg);
            boolean registryStopped;
            try {
                registryStopped = r.down(log);
            } catch (RuntimeException e) {
                b.down(log);
                throw e;
            }
            boolean stopped = b.down(log);
            out.println(registryStopped ? "schema registry: stopped" : "schema registry: not running");
            out.println(stopped ? "kafka: stopped" : "kafka: not running (nothing to stop in " + opts.settings().dir() + ")");
            if (purge) {
                r.purge();
                out.println("schema registry: data deleted");
                b.purge();
                out.println("kafka: data deleted");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "Tells whether the local broker and schema registry run, where, and since when.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DevOptions opts;

        @Mixin
        DevOptions.RegistryPort registryPort;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            DevSettings settings = opts.settings(registryPort);
            BrokerStatus s = broker(settings).status();
            RegistryStatus r = registry(settings).status();
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
                Map<String, Object> registry = new LinkedHashMap<>();
                registry.put("running", r.running());
                registry.put("url", r.url());
                registry.put("port", r.port());
                registry.put("pid", r.pid().orElse(null));
                registry.put("started_at", r.startedAt().map(Object::toString).orElse(null));
                registry.put("data_dir", r.dataDir().toString());
                registry.put("log", r.logFile().toString());
                o.put("schema_registry", registry);
                out.println(Json.write(o));
            } else {
                out.println(s.describe());
                out.println(r.describe());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
