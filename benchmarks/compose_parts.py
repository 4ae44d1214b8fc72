"""Where a segmented render's CPU goes: every ffmpeg run of it, one after another, with its CPU time.

    .venv/bin/python benchmarks/compose_parts.py [--scenes 6] [--seconds 5]

The timeline is benchmarks/compose.py's. Each step of services/compose/segmented.py runs alone (no threads), so the
CPU of each ffmpeg run is read from getrusage(RUSAGE_CHILDREN) around it: the stills' shared pan atlases (atlas.py,
built by the first segment that needs one), every segment (and, with --filters, the same segment's filter graph
alone, encoded by nothing, reading the same atlases), the sound's passes, the extras. Sum them to compare with the
x264 encode of the same frames (benchmarks/compose.py's "content" row).
"""

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ffmpeg  # noqa: E402

from benchmarks.compose import build_timeline  # noqa: E402
from services import ffmpeg as ffmpeg_module  # noqa: E402
from services.compose import Composer  # noqa: E402
from services.compose.atlas import AtlasStore  # noqa: E402
from services.compose.caption_layer import with_captions  # noqa: E402
from services.compose.segment_render import (  # noqa: E402
    render_segment,
    segment_atlas_keys,
    segment_picture,
    segment_shots,
)
from services.compose.segmented import SegmentedComposer, render_sound, write_extras  # noqa: E402
from services.compose.segments import SegmentJob, scene_geometry  # noqa: E402

TIMEOUT_S = 600.0
RUNS: dict[str, list[float]] = defaultdict(list)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _counted(run):  # noqa: ANN001, ANN202
    def wrapper(args: list[str], *, timeout_s: float, what: str) -> str:
        before = _children_cpu()
        try:
            return run(args, timeout_s=timeout_s, what=what)
        finally:
            RUNS[what.split(" (")[0]].append(_children_cpu() - before)

    return wrapper


def _patch_run_ffmpeg() -> None:
    """Count every ffmpeg run of the compose modules (they import run_ffmpeg by name)."""
    counted = _counted(ffmpeg_module.run_ffmpeg)
    for name, module in list(sys.modules.items()):
        if name.startswith("services.compose") and getattr(module, "run_ffmpeg", None) is ffmpeg_module.run_ffmpeg:
            module.run_ffmpeg = counted


def filters_only(job: SegmentJob, work: Path, atlases: AtlasStore) -> None:
    """The segment's filter graph (picture and captions) into the null muxer: what the segment costs besides x264."""
    built = atlases.prepare(segment_shots(job), width=job.width, height=job.height)
    picture = with_captions(
        segment_picture(job, built),
        job.cues,
        scene_geometry(job),
        script_path=work / f"filters-{job.index}.ass",
        style=job.caption_style,
        total_frames=job.frames,
    )
    output = ffmpeg.output(picture, "-", f="null", **{"frames:v": job.frames})
    args = ["-loglevel", "error", *job.encoder.global_args(), *output.get_args()]
    _counted(ffmpeg_module.run_ffmpeg)(args, timeout_s=TIMEOUT_S, what=f"filters {job.index + 1}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--filters", action="store_true", help="also run each segment's filter graph alone")
    args = parser.parse_args()
    _patch_run_ffmpeg()
    with tempfile.TemporaryDirectory(prefix="p2v-parts-") as tmp:
        work = Path(tmp)
        timeline = build_timeline(work, scenes=args.scenes, seconds=args.seconds, transition=0.5)
        composer = Composer(music_cache_dir=work / "music")
        render_sound(timeline, work / "warm", music_cache_dir=work / "music", timeout_s=TIMEOUT_S)  # the music bed
        RUNS.clear()
        segmented = SegmentedComposer(composer, parts_dir=work / "parts", workers=2)
        plan = segmented.plan(timeline)
        keys = {job.index: segment_atlas_keys(job) for job in plan.jobs}
        uses = Counter(key for job_keys in keys.values() for key in job_keys)
        global_args = plan.jobs[0].encoder.global_args()
        atlases = AtlasStore(work / "atlases", uses, timeout_s=TIMEOUT_S, global_args=global_args)
        started = time.perf_counter()
        for job in plan.jobs:
            if args.filters:
                filters_only(job, work, atlases)
            render_segment(job, work / "parts", timeout_s=TIMEOUT_S, atlases=atlases)
            atlases.release(keys[job.index])
        render_sound(timeline, work / "parts", music_cache_dir=work / "music", timeout_s=TIMEOUT_S)
        write_extras(timeline, work / "out", timeout_s=TIMEOUT_S)
        wall = time.perf_counter() - started
    total = 0.0
    for what, cpus in RUNS.items():
        total += sum(cpus) if not what.startswith("filters") else 0.0
        print(f"{what:45s} {len(cpus):2d} run(s)  {sum(cpus):6.2f} s CPU  ({', '.join(f'{c:.2f}' for c in cpus)})")
    print(f"all but 'filters' rows: {total:.2f} s CPU, {wall:.1f} s wall one after another")


if __name__ == "__main__":
    main()
