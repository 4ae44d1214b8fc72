"""What an image model is asked to draw for a scene: the scene's own words plus one style shared by the whole video.

The prompt is built from the storyboard (visual query first: it names what to show; the narration adds context),
never from the user's raw request, and every scene of a video ends with the same style sentence, so the pictures
look like one film rather than six unrelated illustrations.
"""

from services.models import Aspect, Mood, Scene, Storyboard

MOOD_LOOKS: dict[Mood, str] = {
    "calm": "soft natural light, muted pastel palette, gentle contrast, quiet and serene",
    "upbeat": "bright daylight, vivid saturated colours, crisp contrast, energetic",
    "dramatic": "low-key cinematic lighting, deep shadows, rich contrast, moody colour grade",
    "playful": "cheerful warm light, candy-bright colours, whimsical and friendly",
}
FRAMINGS: dict[Aspect, str] = {
    "16:9": "wide landscape composition",
    "9:16": "tall vertical composition with the subject in the upper two thirds",
    "1:1": "square centred composition",
}
NARRATION_MAX_CHARS = 400
TITLE_MAX_CHARS = 80


def video_style(storyboard: Storyboard) -> str:
    """The style sentence every scene's prompt of this video ends with."""
    title = " ".join(storyboard.title.split())[:TITLE_MAX_CHARS]
    return (
        f"Style for every picture of the film “{title}”: cinematic photograph, {MOOD_LOOKS[storyboard.mood]}, "
        f"{FRAMINGS[storyboard.aspect]}, one consistent colour grade and lens throughout. "
        "No text, letters, captions, logos, watermarks or borders."
    )


def scene_prompt(scene: Scene, style: str) -> str:
    """'Show: <visual query>. The scene: <narration>. <style>' — the query leads, the narration gives context."""
    narration = " ".join(scene.narration.split())[:NARRATION_MAX_CHARS]
    query = " ".join(scene.visual_query.split())
    context = f" The narration over it says: {narration}" if narration else ""
    return f"Show: {query}.{context}\n{style}"
