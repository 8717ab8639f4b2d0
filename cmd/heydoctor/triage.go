package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"heydoctor/internal/triage"
)

func runTriage(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 && args[0] == "eval" {
		return runTriageEval(env, args[1:])
	}
	if len(args) > 0 && args[0] == "train" {
		return runTriageTrain(env, args[1:])
	}
	if len(args) > 0 && args[0] == "cv" {
		return runTriageCV(env, args[1:])
	}
	fs := newFlagSet(env, "triage", "triage [--json] \"symptom text\" | triage eval FILE.tsv | triage train [-o FILE] | triage cv [-k N]")
	asJSON := fs.Bool("json", false, "print the whole result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		return usagef("triage needs a text, e.g. heydoctor triage \"목이 따끔하고 열이 나요\"")
	}
	eng, err := triage.New()
	if err != nil {
		return err
	}
	res := eng.Analyze(text)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(env.stdout, "intent: %s\n", res.Intent)
	if res.Level != "" {
		fmt.Fprintf(env.stdout, "level: %s\n", res.Level)
	}
	for _, f := range res.RedFlags {
		fmt.Fprintf(env.stdout, "red flag: %s (%s) ← %s\n", f.Name, f.Level, strings.Join(f.Because, ", "))
	}
	for i, d := range res.Departments {
		fmt.Fprintf(env.stdout, "%d. %s %s %.2f ← %s\n", i+1, d.Name, d.Code, d.Score, strings.Join(d.Because, ", "))
	}
	for _, f := range res.Findings {
		neg := ""
		if f.Negated {
			neg = " (없음)"
		}
		fmt.Fprintf(env.stdout, "finding: %s%s ← %s\n", f.Name, neg, strings.Join(f.Words, ", "))
	}
	if res.Question != nil {
		fmt.Fprintf(env.stdout, "question: %s\n", res.Question.Text)
	}
	fmt.Fprintf(env.stdout, "\n%s\n\n%s\n", res.Answer, res.Disclaimer)
	return nil
}

// runTriageEval measures the engine on a labelled file (LABEL<TAB>TEXT rows, see
// triage.ReadLabelled), so that a clinic or a reviewer can test it on their own data.
func runTriageEval(env *environment, args []string) error {
	fs := newFlagSet(env, "triage eval", "triage eval FILE.tsv   (rows: dept:NAME, emergency:119|er|crisis or ktas:1-5, a tab, the text)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("triage eval needs one file, e.g. heydoctor triage eval questions.tsv")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := triage.ReadLabelled(io.LimitReader(f, 64<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	eng, err := triage.New()
	if err != nil {
		return err
	}
	fmt.Fprint(env.stdout, eng.Report(rows).String())
	return nil
}

// runTriageTrain retrains the department model on the embedded corpora and writes its
// weights (go generate ./internal/triage/ runs it). The same data always gives the same
// file.
func runTriageTrain(env *environment, args []string) error {
	fs := newFlagSet(env, "triage train", "triage train [-o internal/triage/data/model.bin]")
	out := fs.String("o", "internal/triage/data/model.bin", "where to write the weights")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("triage train takes no arguments")
	}
	eng, err := triage.New()
	if err != nil {
		return err
	}
	b, err := eng.TrainModelFile()
	if err != nil {
		return err
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote %s (%d bytes)\n", *out, len(b))
	return nil
}

// runTriageCV cross-validates the department model on the train splits of the corpora
// (each fold analysed by a model trained on the others; the dev splits take no part), so
// that its settings can be chosen without looking at the dev split.
func runTriageCV(env *environment, args []string) error {
	fs := newFlagSet(env, "triage cv", "triage cv [-k 5]")
	k := fs.Int("k", 5, "number of folds")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *k < 2 || *k > 20 {
		return usagef("triage cv takes only -k, from 2 to 20 folds")
	}
	eng, err := triage.New()
	if err != nil {
		return err
	}
	reps := eng.CrossValidate(*k)
	for _, reg := range slices.Sorted(maps.Keys(reps)) {
		fmt.Fprintf(env.stdout, "%-9s %s\n", reg, reps[reg].Summary())
	}
	return nil
}
