"""Fake Pexels API (https://www.pexels.com/api/documentation/): video and photo search, key in `Authorization`."""

from typing import TYPE_CHECKING

from tests.fakes.openai_api import Answer, json_answer

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

PEXELS_KEY = "pexels-SECRET-KEY-0123456789"


def pexels(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.headers.get("Authorization") != PEXELS_KEY:
        return 401, b'{"error": "Unauthorized"}', {}
    base = api.url
    if seen.path.endswith("/videos/search"):
        videos = [
            {
                "id": i.id, "width": i.width, "height": i.height, "duration": i.duration,
                "url": f"https://www.pexels.com/video/{i.words.replace(' ', '-')}-{i.id}/",
                "image": f"{base}/files/{i.file}.jpg", "user": {"id": 1, "name": "Pat Lens", "url": "https://x"},
                "video_files": [
                    {"id": i.id * 10, "quality": "hd", "file_type": "video/mp4", "width": i.width,
                     "height": i.height, "fps": 25, "link": f"{base}/files/{i.file}?pexels={i.id}"},
                ],
                "video_pictures": [],
            }
            for i in api.matching(seen.query["query"], "video")
        ]  # fmt: skip
        return json_answer({"page": 1, "per_page": len(videos), "total_results": len(videos), "videos": videos})
    photos = [
        {
            "id": i.id, "width": i.width, "height": i.height,
            "url": f"https://www.pexels.com/photo/{i.words.replace(' ', '-')}-{i.id}/",
            "photographer": "Pat Lens", "photographer_url": "https://x", "avg_color": "#777777",
            "src": {"original": f"{base}/files/{i.file}", "large2x": f"{base}/files/{i.file}"}, "alt": i.words,
        }
        for i in api.matching(seen.query["query"], "image")
    ]  # fmt: skip
    return json_answer({"page": 1, "per_page": len(photos), "total_results": len(photos), "photos": photos})
