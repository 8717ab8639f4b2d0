# syntax=docker/dockerfile:1
# HeyDoctor: a static Go binary in a distroless image, run as an unprivileged user.
#   docker build --build-arg VERSION=$(git describe --tags --always) -t heydoctor:local .

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w -X heydoctor.Version=${VERSION}" -o /out/heydoctor ./cmd/heydoctor && \
    go build -ldflags="-s -w" -o /out/heydoctor-healthcheck ./deploy/healthcheck && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/heydoctor /out/heydoctor-healthcheck /usr/local/bin/
# The SQLite database lives here when HEYDOCTOR_DB is not MySQL; mount a volume on it.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER 65532:65532
ENV HEYDOCTOR_ADDR=:8080 \
    HEYDOCTOR_DB=/data/heydoctor.db \
    HEYDOCTOR_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/heydoctor-healthcheck", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/heydoctor"]
CMD ["serve"]
