# The app image: this project installed from pyproject.toml, so it has exactly the dependencies of a developer's
# `pip install -e .` (plus the extras `docker` for the Docker work pool and `s3` for object storage). Used by the
# setup job, the workers and prefect.docker.yaml's build step. ffmpeg comes from the imageio-ffmpeg wheel; no system
# packages are needed.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    P2V_DATA_DIR=/data/p2v \
    P2V_OUTPUT_DIR=/data/output \
    P2V_MEDIA_DIR=/data/media \
    P2V_RESULTS_DIR=/data/results

RUN useradd --create-home --uid 1000 p2v \
    && mkdir -p /app /data/p2v /data/output /data/media /data/results \
    && chown -R p2v:p2v /app /data

WORKDIR /app
COPY --chown=p2v:p2v . /app
RUN pip install ".[docker,s3]"

USER p2v
VOLUME ["/data"]
CMD ["prefect", "worker", "start", "--pool", "p2v-process", "--type", "process"]
