"""Fake Depositphotos API (dp_command=search): key in `dp_apikey`, previews linked from the answer."""

from typing import TYPE_CHECKING

from tests.fakes.openai_api import Answer, json_answer

if TYPE_CHECKING:
    from tests.fakes.stock_apis import FakeAPI, Seen

DEPOSIT_KEY = "deposit-SECRET-KEY-0123456789"


def depositphotos(api: "FakeAPI", seen: "Seen") -> Answer:
    if seen.query.get("dp_apikey") != DEPOSIT_KEY:
        return json_answer({"type": "failure", "error": {"errorcode": 2, "errormsg": "Invalid API key"}})
    result = [
        {
            "id": i.id, "itype": i.kind, "title": i.words, "description": "", "width": i.width, "height": i.height,
            "url_big": f"{api.url}/files/{i.preview or i.file}",
            "mp4": f"{api.url}/files/{i.preview or i.file}" if i.kind == "video" else "",
            "itemurl": f"https://depositphotos.com/{i.id}/stock.html", "username": "Depo Author",
        }
        for i in api.matching(seen.query["dp_search_query"])
    ]  # fmt: skip
    answer = {"timestamp": "2026-01-01 00:00:00", "version": "1.3", "type": "success", "result": result}
    return json_answer({**answer, "count": len(result)})
