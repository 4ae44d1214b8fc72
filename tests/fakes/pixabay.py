"""Fake Pixabay API (https://pixabay.com/api/docs/): image and video search, key in the `key` query parameter."""

from typing import TYPE_CHECKING

from tests.fakes.openai_api import Answer, json_answer

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

PIXABAY_KEY = "pixabay-SECRET-KEY-0123456789"


def pixabay(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.query.get("key") != PIXABAY_KEY:
        return 400, b"[ERROR 400] Invalid or missing API key", {"Content-Type": "text/plain"}
    base = api.url
    if seen.path.rstrip("/").endswith("/videos"):
        hits = [
            {
                "id": i.id, "pageURL": f"https://pixabay.com/videos/id-{i.id}/", "type": "film",
                "tags": ", ".join(i.words.split()), "duration": int(i.duration), "user": "Pix User",
                "videos": {
                    "large": {"url": f"{base}/files/{i.file}?pixabay={i.id}", "width": i.width,
                              "height": i.height, "size": 1000, "thumbnail": ""},
                    "tiny": {"url": f"{base}/files/{i.file}?tiny={i.id}", "width": 640, "height": 360,
                             "size": 100, "thumbnail": ""},
                },
            }
            for i in api.matching(seen.query["q"], "video")
        ]  # fmt: skip
    else:
        hits = [
            {
                "id": i.id, "pageURL": f"https://pixabay.com/photos/id-{i.id}/", "type": "photo",
                "tags": ", ".join(i.words.split()), "largeImageURL": f"{base}/files/{i.file}",
                "imageWidth": i.width, "imageHeight": i.height, "user": "Pix User",
            }
            for i in api.matching(seen.query["q"], "image")
        ]  # fmt: skip
    return json_answer({"total": len(hits), "totalHits": len(hits), "hits": hits})
