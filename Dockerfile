# vgsales as a model-server container: TF Serving's REST API on port 8080, and the Vertex AI custom-container
# contract when AIP_HTTP_PORT / AIP_HEALTH_ROUTE / AIP_PREDICT_ROUTE are set (docs/serving.md).
#   docker build -t vgsales .        (or: podman build -t vgsales .)
#   docker run --rm -p 8080:8080 -v "$PWD/exports/earnings:/models/vgsales:ro" vgsales
# The runtime stage installs only the `vgsales` Debian package built here, whose dependencies dpkg-shlibdeps took
# from the binary's own shared libraries: no LibTorch (only the separate vgsales-torchscript package needs it), so
# no OpenCV, Qt, GDAL or LLVM either. tests/packaging/check_runtime_image.py checks this file against `ldd`.

# --- build: the README's steps on the same Debian release, then the Debian packages -------------------------
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build.sh -DVGSALES_BUILD_TESTS=OFF -DVGSALES_BUILD_BENCH=OFF \
 && cd build && cpack >/dev/null && ls packages/*.deb

# --- runtime: the vgsales package and what it depends on, a non-root user ------------------------------------
FROM debian:12-slim AS runtime
# vgsales_*.deb and not vgsales-torchscript_*.deb: a server never writes TorchScript.
COPY --from=build /src/build/packages/vgsales_*.deb /tmp/
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends /tmp/vgsales_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/vgsales_*.deb \
 && useradd --system --uid 10001 --create-home --home-dir /home/vgsales vgsales \
 && mkdir -p /models && chown vgsales /models
USER vgsales
# Vertex AI's default port (docs/formats.md E); AIP_HTTP_PORT, when set, wins over --port.
EXPOSE 8080
# A local AIP_STORAGE_URI (a path or file://) wins over --model_base_path. For gs:// URIs, wrap this image with an
# entrypoint that copies the model to /models/vgsales first (docs/serving.md, "Vertex AI").
ENTRYPOINT ["vgsales", "serve"]
CMD ["--model_name=vgsales", "--model_base_path=/models/vgsales", "--port=8080"]
