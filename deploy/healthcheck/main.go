// Command heydoctor-healthcheck is the Docker HEALTHCHECK of the app image. The
// runtime image has no shell, curl or wget, so a tiny static binary asks the
// server's /readyz instead and turns the answer into an exit code.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args, os.Stderr))
}

// run returns 0 when the URL (default http://127.0.0.1:8080/readyz) answers 2xx
// within three seconds, and 1 otherwise.
func run(args []string, stderr io.Writer) int {
	url := "http://127.0.0.1:8080/readyz"
	if len(args) > 1 {
		url = args[1]
	}
	if err := check(url, 3*time.Second); err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	return 0
}

func check(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %q: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("get %s: status %d", url, resp.StatusCode)
	}
	return nil
}
