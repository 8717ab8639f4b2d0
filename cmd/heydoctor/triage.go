package main

import (
	"context"
)

func runTriage(ctx context.Context, env *environment, args []string) error {
	return usagef("triage is not available in this build yet")
}

func runBench(ctx context.Context, env *environment, args []string) error {
	return usagef("bench is not available in this build yet")
}
