"""Benchmark: our composer vs MoviePy 2 vs the x264 encode floor, on one timeline, in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/compose.py [--scenes 12] [--seconds 5] [--moviepy-scenes 4] [--rounds 1]

The timeline: generated 1080p stills, 5 s each, 0.5 s crossfades, a caption per sentence, narration (tones with
known sentence spans, since no voice is needed to measure speed) on every scene; x264 veryfast crf 23, 30 fps.
Each renderer runs in its own process so peak RSS (this process + its ffmpeg children) is measured separately.
MoviePy renders the first --moviepy-scenes scenes only (it is slow); its time is extrapolated per output frame.
The encode floor feeds x264 the same number of frames of one still, already in yuv420p, with no filters at all.
A second row, "content", feeds x264 the composer's own frames (its output decoded to raw yuv420p beforehand): the
encode cost of this timeline's pictures (pan, transitions, captions), which no renderer of it can go below.
The composer renders twice: "composer" with the default smooth sub-pixel pan, "pixel-pan" with the former
whole-pixel pan (motion="pixel_pan"); their speed ratio is printed (target: smooth >= 80% of whole-pixel).
"segmented" renders the same video in segments (services/compose/segmented.py: one ffmpeg per scene, one per core,
each single-threaded, each still's pan atlas built once and shared, the sound beside them, joined by stream copy);
its peak RSS is the largest sum over its processes at once. `--rounds N` measures "content" and "segmented" N times,
alternated, and prints each round's ratio and the median.
MoviePy needs the bench extra; without installing it into the venv: `pip install --target DIR moviepy pillow
decorator proglog imageio --no-deps` and PYTHONPATH=DIR.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.rss import PeakRSS  # noqa: E402
from services.compose import Composer  # noqa: E402
from services.compose.plan import plan_render  # noqa: E402
from services.compose.segmented import SegmentedComposer  # noqa: E402
from services.ffmpeg import ffmpeg_exe, run_ffmpeg  # noqa: E402
from services.media.generated import GeneratedVisuals  # noqa: E402
from services.models import NarrationAudio, Scene, SentenceSpan, Timeline, TimelineClip  # noqa: E402

WIDTH, HEIGHT, FPS = 1920, 1080, 30
SENTENCES = ("Scene {n} opens on a wide view of the valley.", "Then the light shifts and the story moves on.")


def build_timeline(work: Path, *, scenes: int, seconds: float, transition: float) -> Timeline:
    visuals = GeneratedVisuals(work / "cache")
    clips, start = [], 0.0
    for i in range(scenes):
        text = " ".join(s.format(n=i + 1) for s in SENTENCES)
        scene = Scene(index=i, narration=text, visual_query=f"benchmark scene {i + 1}", duration_s=seconds)
        asset = visuals.generate(scene, width=WIDTH, height=HEIGHT, seed="benchmark")
        clips.append(TimelineClip(scene=scene, asset=asset, start_s=start, narration=_narration(work, i)))
        start += seconds - transition
    return Timeline(
        title="benchmark",
        description="",
        language="en",
        width=WIDTH,
        height=HEIGHT,
        transition_s=transition,
        clips=clips,
    )


def _narration(work: Path, index: int) -> NarrationAudio:
    spans = [(SENTENCES[0].format(n=index + 1), 0.1, 1.9), (SENTENCES[1], 2.2, 3.9)]
    gate = "+".join(f"between(t,{a},{b})" for _, a, b in spans)
    path = work / f"narration-{index}.wav"
    expr = f"aevalsrc='({gate})*0.3*sin(2*PI*(200+40*sin(7*t))*t)':s=48000:d=4.0"
    run_ffmpeg(["-f", "lavfi", "-i", expr, str(path)], timeout_s=60, what="making narration")
    sentences = [SentenceSpan(text=t, start_s=a, end_s=b) for t, a, b in spans]
    return NarrationAudio(scene_index=index, path=path, duration_s=4.0, voice="tone", sentences=sentences)


def run_floor(timeline: Timeline, out: Path) -> int:
    """x264 alone: the same number of frames of one still, pre-converted to raw yuv420p, no filters."""
    frames = plan_render(timeline).total_frames
    raw = out.with_suffix(".yuv")
    still = str(timeline.clips[0].asset.local_path)
    run_ffmpeg(["-i", still, "-pix_fmt", "yuv420p", "-f", "rawvideo", str(raw)], timeout_s=60, what="raw frame")
    started = time.perf_counter()
    run_ffmpeg(
        ["-stream_loop", "-1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{WIDTH}x{HEIGHT}", "-framerate"]
        + [str(FPS), "-i", str(raw), "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast"]
        + ["-crf", "23", "-pix_fmt", "yuv420p", str(out)],
        timeout_s=3600,
        what="encode floor",
    )
    return frames, time.perf_counter() - started


def run_content_floor(timeline: Timeline, out: Path) -> tuple[int, float, float]:
    """x264 alone on the composer's own frames: its output decoded to raw yuv420p first (not timed), then encoded
    like the floor. What any renderer of this timeline pays for the encode; CPU counts the encode only."""
    frames = plan_render(timeline).total_frames
    raw = out.with_suffix(".yuv")
    source = out.parent.parent / "composer" / "video.mp4"
    run_ffmpeg(["-i", str(source), "-pix_fmt", "yuv420p", "-f", "rawvideo", str(raw)], timeout_s=600, what="raw frames")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run_ffmpeg(
        ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{WIDTH}x{HEIGHT}", "-framerate", str(FPS), "-i", str(raw)]
        + ["-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", str(out)],
        timeout_s=3600,
        what="content floor",
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    raw.unlink()
    return frames, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def worker(kind: str, timeline_json: Path, out: Path) -> None:
    timeline = Timeline.model_validate_json(timeline_json.read_text())
    sampler = PeakRSS().start()
    started = time.perf_counter()
    if kind == "segmented":
        SegmentedComposer(Composer(), parts_dir=out / "parts").render(timeline, out)
        frames, wall = plan_render(timeline).total_frames, time.perf_counter() - started
    elif kind in ("composer", "pixel-pan"):
        Composer(motion="pan" if kind == "composer" else "pixel_pan").render(timeline, out)
        frames, wall = plan_render(timeline).total_frames, time.perf_counter() - started
    elif kind == "moviepy":
        from benchmarks.moviepy_reference import render_with_moviepy

        render_with_moviepy(timeline, out / "moviepy.mp4")
        frames, wall = plan_render(timeline).total_frames, time.perf_counter() - started
    elif kind == "content":
        frames, wall, encode_cpu = run_content_floor(timeline, out / "content.mp4")
    else:
        frames, wall = run_floor(timeline, out / "floor.mp4")
    usage = [resource.getrusage(r) for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    peak_kb = max(u.ru_maxrss for u in usage)
    cpu = encode_cpu if kind == "content" else sum(u.ru_utime + u.ru_stime for u in usage)
    together = sampler.stop() / 1024**2
    print(
        json.dumps({"frames": frames, "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak_kb / 1024, "sum_mb": together})
    )


def measure(kind: str, timeline: Timeline, work: Path, round_number: int = 0) -> dict:
    name = f"{kind}-{round_number}" if round_number else kind
    path = work / f"{name}.json"
    path.write_text(timeline.model_dump_json())
    out = work / name
    out.mkdir()
    cmd = [sys.executable, __file__, "--worker", kind, "--timeline", str(path), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--transition", type=float, default=0.5)
    parser.add_argument("--moviepy-scenes", type=int, default=4, help="0 skips MoviePy")
    parser.add_argument("--no-pixel-pan", action="store_true", help="skip the whole-pixel pan render")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure content floor and segmented this many times, alternated"
    )
    parser.add_argument("--worker", choices=["composer", "pixel-pan", "moviepy", "floor", "content", "segmented"])
    parser.add_argument("--timeline", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.timeline, args.out)
    with tempfile.TemporaryDirectory(prefix="p2v-bench-") as tmp:
        work = Path(tmp)
        timeline = build_timeline(work, scenes=args.scenes, seconds=args.seconds, transition=args.transition)
        results = {"composer": measure("composer", timeline, work)}
        if not args.no_pixel_pan:
            results["pixel-pan"] = measure("pixel-pan", timeline, work)
        results["floor"] = measure("floor", timeline, work)
        rounds = [(measure("content", timeline, work), measure("segmented", timeline, work))]
        for n in range(1, args.rounds):
            rounds.append((measure("content", timeline, work, n), measure("segmented", timeline, work, n)))
        results["content"], results["segmented"] = rounds[0]
        if args.moviepy_scenes:
            part = timeline.model_copy(update={"clips": timeline.clips[: args.moviepy_scenes]})
            results["moviepy"] = measure("moviepy", part, work)
    report(results, timeline)
    if len(rounds) > 1:
        report_rounds(rounds)


def report_rounds(rounds: list[tuple[dict, dict]]) -> None:
    """Segmented vs content floor in each round (one after the other, so both see the same machine), and the median:
    on a shared machine the CPU's speed drifts between runs more than the code changes it."""
    ratios = [content["wall_s"] / segmented["wall_s"] for content, segmented in rounds]
    listed = ", ".join(f"{ratio:.0%}" for ratio in ratios)
    print(f"segmented vs content floor by wall time in {len(rounds)} alternated rounds: {listed};"
          f" median {statistics.median(ratios):.0%} (target >= 90%)")  # fmt: skip


def report(results: dict, timeline: Timeline) -> None:
    fps = timeline.fps
    print(f"ffmpeg {ffmpeg_exe()}")
    print(
        f"timeline: {len(timeline.clips)} stills, {timeline.width}x{timeline.height}@{fps}, "
        f"{plan_render(timeline).duration_s:.1f} s of video"
    )
    rates = {}
    for kind, r in results.items():
        rates[kind] = r["frames"] / r["wall_s"]
        note = ""
        if kind == "content":
            note = "  (x264 alone on the composer's frames, CPU of the encode only)"
        if kind == "pixel-pan":
            note = "  (the composer with the former whole-pixel pan)"
        if kind == "moviepy":
            note = f"  (rendered {r['frames']} frames = first scenes only; rate extrapolated per frame)"
        print(
            f"{kind:9s} {r['frames']:5d} frames  {r['wall_s']:8.2f} s wall  {rates[kind] / fps:6.2f}x realtime"
            f"  {rates[kind]:6.1f} fps  {r['cpu_s'] / r['frames'] * 1000:6.1f} ms CPU/frame"
            f"  peak RSS {r['peak_rss_mb']:6.1f} MB{note}"
        )
    cpu = {kind: r["cpu_s"] / r["frames"] for kind, r in results.items()}
    print(
        f"composer vs encode floor: {rates['composer'] / rates['floor']:.0%} of the floor's speed (target >= 80%);"
        f" by CPU time per frame {cpu['floor'] / cpu['composer']:.0%}"
    )
    print(
        f"x264 alone on the composer's frames: {rates['content'] / rates['floor']:.0%} of the floor's speed,"
        f" by CPU time per frame {cpu['floor'] / cpu['content']:.0%} (the most a renderer of this timeline can reach);"
        f" composer vs that: {rates['composer'] / rates['content']:.0%}, by CPU {cpu['content'] / cpu['composer']:.0%}"
    )
    if "pixel-pan" in rates:
        print(
            f"smooth pan vs whole-pixel pan: {rates['composer'] / rates['pixel-pan']:.0%} of its speed (target >= 80%);"
            f" by CPU time per frame {cpu['pixel-pan'] / cpu['composer']:.0%}"
        )
    print(
        f"segmented vs content floor: {rates['segmented'] / rates['content']:.0%} by wall time (target >= 90%),"
        f" by CPU {cpu['content'] / cpu['segmented']:.0%}; vs the one-graph composer"
        f" {rates['segmented'] / rates['composer']:.2f}x; realtime {rates['segmented'] / fps:.2f}x"
    )
    print(f"composer realtime factor: {rates['composer'] / fps:.2f}x (target >= 6x)")
    if "moviepy" in rates:
        print(
            f"composer vs MoviePy:      {rates['composer'] / rates['moviepy']:.1f}x faster (target >= 25x);"
            f" by CPU time per frame {cpu['moviepy'] / cpu['composer']:.1f}x"
        )
        print(
            f"encode floor vs MoviePy:  {rates['floor'] / rates['moviepy']:.1f}x faster;"
            f" x264 alone on the composer's frames vs MoviePy {rates['content'] / rates['moviepy']:.1f}x"
        )
        print(f"segmented vs MoviePy:     {rates['segmented'] / rates['moviepy']:.1f}x faster (target >= 6x)")
    print("note: wall-clock figures depend on what else runs on the machine; CPU time per frame depends less on it")
    print(f"composer peak RSS:        {results['composer']['peak_rss_mb']:.0f} MB (target <= 1024 MB)")
    print(
        f"peak RSS of all processes at once: composer {results['composer']['sum_mb']:.0f} MB,"
        f" segmented {results['segmented']['sum_mb']:.0f} MB (largest single process"
        f" {results['segmented']['peak_rss_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
