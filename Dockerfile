# syntax=docker/dockerfile:1
# chatrelay: one image for every service (`serve --services <name>` picks what a container runs).
#   docker build -t <registry>/chatrelay:<tag> .
# then point the manifests at it: cd k8s/base && kustomize edit set image registry.invalid/chatrelay=<registry>/chatrelay:<tag>
# (.dockerignore keeps k8s/, and the operator's secrets under k8s/base/secrets/, out of the build context).

# --- build: the shaded launcher jar (services/launcher/target/chatrelay.jar) ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The Maven cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl services/launcher -am package

# --- run: a JRE and the jar, as an unprivileged user ---
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 chatrelay \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin chatrelay \
 && mkdir -p /app/data /app/logs /var/lib/chatrelay \
 && chown -R 10001:10001 /app /var/lib/chatrelay
WORKDIR /app
COPY --from=build /src/services/launcher/target/chatrelay.jar /app/chatrelay.jar
USER 10001:10001
# wnet (WebSocket) and wss, Tchatator (TCP) and Tchatator over TLS (k8s/overlays/tls), Hazelcast member, clustered
# event bus, admin (probes and metrics).
EXPOSE 8080 8443 4242 4443 5701 5801 9400
# The heap follows the container's memory limit; the rest of the limit is left to metaspace, threads and
# Netty's direct buffers. Add JVM options with JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/chatrelay.jar"]
CMD ["serve"]
