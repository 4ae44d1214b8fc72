"""One publisher process for the YouTube drills: publishes a video through the Postgres ledger and prints it.

Usage: python -m tests.tasks.youtube_child '{"db": URL, "youtube": {...settings}, "video": {...}}'
"""

import json
import sys

from prompt_store.db import make_engine
from prompt_store.publications import PostgresLedger
from services.models import RenderedVideo
from services.publish import publish
from services.settings import Settings
from services.youtube_settings import YouTubeSettings
from tests.fakes.videos import timeline


def main(raw: str) -> None:
    args = json.loads(raw)
    settings = Settings(_env_file=None, youtube=YouTubeSettings(_env_file=None, **args["youtube"]))
    ledger = PostgresLedger(make_engine(args["db"]))
    video = RenderedVideo.model_validate(args["video"])
    publication = publish(video, timeline(), target="youtube", settings=settings, ledger=lambda: ledger)
    print(publication.model_dump_json(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
