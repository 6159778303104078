# vgsales as a model-server container: TF Serving's REST API on port 8080, and the Vertex AI custom-container
# contract when AIP_HTTP_PORT / AIP_HEALTH_ROUTE / AIP_PREDICT_ROUTE are set (docs/serving.md).
#   docker build -t vgsales .
#   docker run --rm -p 8080:8080 -v "$PWD/exports/earnings:/models/vgsales:ro" vgsales
# (Not built in the development sandbox, which has no container engine.)

# --- build: the README's steps, on the same Debian release -------------------------------------------------
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build.sh -DVGSALES_BUILD_TESTS=OFF -DVGSALES_BUILD_BENCH=OFF
# The Debian packages that own the binary's shared libraries: exactly what the runtime stage needs.
# (With the merged /usr, ldd may print /lib/... or /usr/lib/...; dpkg knows one spelling, so try both.)
RUN for lib in $(ldd build/src/cli/vgsales | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null \
        || dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr${lib}" 2>/dev/null || true; \
    done | cut -d: -f1 | sort -u >/runtime-packages.txt \
 && test -s /runtime-packages.txt && cat /runtime-packages.txt

# --- runtime: the binary, its libraries, a non-root user ----------------------------------------------------
FROM debian:12-slim AS runtime
COPY --from=build /runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update -qq \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --uid 10001 --create-home --home-dir /home/vgsales vgsales \
 && mkdir -p /models && chown vgsales /models
COPY --from=build /src/build/src/cli/vgsales /usr/local/bin/vgsales
USER vgsales
# Vertex AI's default port (docs/formats.md E); AIP_HTTP_PORT, when set, wins over --port.
EXPOSE 8080
# A local AIP_STORAGE_URI (a path or file://) wins over --model_base_path. For gs:// URIs, wrap this image with an
# entrypoint that copies the model to /models/vgsales first (docs/serving.md, "Vertex AI").
ENTRYPOINT ["vgsales", "serve"]
CMD ["--model_name=vgsales", "--model_base_path=/models/vgsales", "--port=8080"]
