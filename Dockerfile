# citebot in a container: a multi-stage build and a small, non-root runtime image.
#
#   docker build -t citebot .
#   docker run -d --name citebot -e DISCORD_TOKEN=... -p 127.0.0.1:9090:9090 citebot
#
# Mount your own configuration directory over /etc/citebot to answer about another article:
#   docker run ... -v "$PWD/my-config:/etc/citebot:ro" citebot
# The token can also come from a file (Docker secrets): -e DISCORD_TOKEN_FILE=/run/secrets/token

FROM rust:1.88-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin citebot

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin citebot \
    && mkdir -p /var/lib/citebot && chown citebot /var/lib/citebot
COPY --from=build /src/target/release/citebot /usr/local/bin/citebot
COPY config /etc/citebot
ENV CITEBOT_CONFIG=/etc/citebot \
    CITEBOT_HTTP_ADDR=0.0.0.0:9090 \
    CITEBOT_CACHE_DIR=/var/lib/citebot/cache \
    RUST_LOG=info
USER citebot
WORKDIR /var/lib/citebot
EXPOSE 9090
# Healthy while the gateway is connected (GET /healthz answers 200); no curl needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["citebot", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["citebot"]
CMD ["run"]
