from prefect import task
from prefect.logging import get_run_logger

from services.models import NarrationAudio, Scene, VoiceChoice
from services.narration import Narrator, build_narrator, for_voice, speech_target_s
from services.settings import get_settings
from services.storage import in_folder
from tasks.limits import retry_unless_handled
from tasks.resume import resumable, step_timeout
from tasks.storage import step_storage


@task(
    name="narrate_scene",
    task_run_name="narrate-scene-{scene.index}",
    retries=1,
    retry_delay_seconds=[10],
    retry_condition_fn=retry_unless_handled,
    timeout_seconds=step_timeout(),
    **resumable(),
)
def narrate_scene(
    scene: Scene, language: str, narrator: Narrator | None = None, voice: VoiceChoice | None = None
) -> NarrationAudio | None:
    """Speak one scene's narration (OpenAI TTS, espeak-ng or silence) into an audio file with sentence and word
    spans, paced to fit the scene's planned duration."""
    settings = for_voice(get_settings(), voice)
    narrator = narrator or build_narrator(settings, language)
    target_s = speech_target_s(scene.duration_s, settings.transition_s, is_first=scene.index == 0)
    with step_storage(settings) as files:
        out_dir = files.work(settings.work_dir / "narration")
        audio = files.shared(
            narrator.narrate(scene, language=language, out_dir=out_dir, target_s=target_s), in_folder("narration")
        )
    spoken = f"{audio.voice} {audio.duration_s:.1f} s" if audio else "no narration"
    get_run_logger().info("scene %d: %s for %.1f s planned (%s)", scene.index, spoken, scene.duration_s, language)
    return audio
