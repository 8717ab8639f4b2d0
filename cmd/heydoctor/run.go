package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"heydoctor"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what a subcommand may touch: no globals, everything injected.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"run the service (the default)", runServe},
		"migrate": {"apply database migrations and exit", runMigrate},
		"version": {"print the version", runVersion},
		"staff":   {"manage staff console accounts (staff add|list)", runStaff},
		"import":  {"import public hospital, pharmacy and holiday data", runImport},
		"triage":  {"analyse a symptom description", runTriage},
		"backup":  {"copy a SQLite database online to a file", runBackup},
		"bench":   {"load-test a running server or the directory (see heydoctor bench --help)", runBench},
	}
}

// run is the whole program: main only turns its error into an exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	name, rest := "serve", []string{}
	if len(args) > 1 {
		rest = args[1:]
		if !strings.HasPrefix(rest[0], "-") {
			name, rest = rest[0], rest[1:]
		}
	}
	if name == "help" || (len(args) > 1 && (args[1] == "-h" || args[1] == "--help" || args[1] == "-help")) {
		usage(stdout)
		return nil
	}
	cmd, ok := commands()[name]
	if !ok {
		usage(stderr)
		return usagef("unknown command %q", name)
	}
	return cmd.run(ctx, env, rest)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "HeyDoctor: symptom triage, hospital finder and booking for Korea.")
	fmt.Fprintln(w, "\nUsage: heydoctor [command] [flags]\n\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'heydoctor COMMAND --help' for a command's flags.")
}

// newFlagSet makes a flag set whose errors come back to run instead of exiting.
func newFlagSet(env *environment, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: heydoctor %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and maps -h to a clean exit and other mistakes to usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err}
	}
	return nil
}

var errHelp = errors.New("help shown")

// exitCode maps run's error to an exit status: 0 ok, 2 usage or configuration, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "heydoctor:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func newLogger(cfg *storeConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runVersion(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "heydoctor", heydoctor.Version)
	return nil
}
