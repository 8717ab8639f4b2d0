// Package deploy holds HeyDoctor's production stack (docker-compose.yml, nginx,
// Prometheus and Grafana configuration) and the tests that run it for real: the
// compose file through the compose-spec loader, the nginx configuration in a real
// nginx in front of real heydoctor processes, and the Prometheus files through promtool.
// It has no Go API; the code is in its tests.
package deploy
