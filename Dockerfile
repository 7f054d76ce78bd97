# Parley in a container: one static binary, run as an unprivileged user,
# with the database and its master key on the volume /var/lib/parley.
#
#   docker build -t parley --build-arg VERSION=v1.0.0 .
#   docker run -d --name parley -p 8080:8080 -v parley-data:/var/lib/parley parley
#   docker exec -it parley parley user add --admin you@example.org
#
# Settings come from PARLEY_* variables (docker run -e) or a config file
# (-e PARLEY_CONFIG=/etc/parley/parley.toml with the file mounted there);
# see "parley help serve". To keep the master key off the volume (so that a
# copy of the volume is not enough to read the talks), mount it as a secret
# and set PARLEY_KEY_FILE=/run/secrets/parley.key.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w -X main.Version=${VERSION}" -o /out/parley ./cmd/parley \
 && mkdir -p /out/data

# distroless/static: no shell, no package manager; CA certificates (for
# ACME) and /etc/passwd with the user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/parley /usr/local/bin/parley
COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /var/lib/parley
USER 65532:65532
ENV PARLEY_DB=/var/lib/parley/parley.db \
    PARLEY_ADDR=0.0.0.0:8080
VOLUME ["/var/lib/parley"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/parley"]
CMD ["serve"]
