"""Benchmark: compose in segments, incremental and scaled out over worker processes, printed as ratios in one run.

    .venv/bin/python benchmarks/compose_segments.py [--scenes 12] [--seconds 5] [--workers 1,2]

The timeline is benchmarks/compose.py's (1080p generated stills, captions, narration), rendered by
services/compose/segmented.py.
1. full: the video in segments, one per core on this machine, on an empty parts folder.
2. incremental: one scene's still replaced, the video composed again with the same parts folder: only that scene's
   segment and the next one (which carries its tail) render, beside the extras and the join (target <= 20%).
3. scale-out simulation: N worker processes, each pinned to a core of its own (a one-core machine, x264 with one
   thread) and each with its own scratch folder; they share nothing but a "store" folder. The coordinator puts the
   media and the segment jobs (media named by store keys) into the store; each worker claims jobs (an exclusive
   create of a claim file), fetches the media it needs into its scratch, renders, puts the segment back; the sound
   is one more job. The coordinator fetches the results and joins. Speed-up against 1 worker; the time spent
   copying to and from the store is shown apart (a local folder here: an object store adds its network time).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.compose import build_timeline  # noqa: E402
from services.compose import Composer  # noqa: E402
from services.compose.music import default_cache_dir, resolve_music  # noqa: E402
from services.compose.segment_render import join_video_stream, render_segment  # noqa: E402
from services.compose.segmented import SegmentedComposer, render_sound  # noqa: E402
from services.compose.segments import EncoderSettings, SegmentFile, SegmentJob, file_digest, plan_segments  # noqa: E402
from services.media.generated import GeneratedVisuals  # noqa: E402
from services.models import Timeline  # noqa: E402

TIMEOUT_S = 1800.0


def full_and_incremental(timeline: Timeline, work: Path, *, edited_scene: int) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of the full render and of the render after one scene's still changed."""
    composer = SegmentedComposer(Composer(), parts_dir=work / "parts")
    edited = _with_new_still(timeline, work, edited_scene)
    return {
        "full": _timed(lambda: composer.render(timeline, work / "full")),
        "incremental": _timed(lambda: composer.render(edited, work / "edited")),
    }


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    before, started = _cpu(), time.perf_counter()
    call()
    return time.perf_counter() - started, _cpu() - before


def _cpu() -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def _with_new_still(timeline: Timeline, work: Path, index: int) -> Timeline:
    clip = timeline.clips[index]
    asset = GeneratedVisuals(work / "cache").generate(
        clip.scene, width=timeline.width, height=timeline.height, seed="edit"
    )
    clips = list(timeline.clips)
    clips[index] = clip.model_copy(update={"asset": asset})
    return timeline.model_copy(update={"clips": clips})


def scale_out(timeline: Timeline, work: Path, workers: int) -> dict:
    """Run the jobs on `workers` processes that share only `store`; return wall time and transfer time."""
    store = work / f"store-{workers}"
    started = time.perf_counter()
    put_s = _put_jobs(timeline, store)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                str(n),
                "--store",
                str(store),
                "--scratch",
                str(work / f"scratch-{workers}-{n}"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    stats = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit("a worker failed")
    fetch_s = _join_from_store(store, work / f"joined-{workers}", len(timeline.clips))
    wall = time.perf_counter() - started
    transfer = put_s + fetch_s + sum(s["transfer_s"] for s in stats)
    busiest = max(s["cpu_s"] for s in stats)
    return {"wall_s": wall, "transfer_s": transfer, "jobs": [s["jobs"] for s in stats], "busiest_cpu_s": busiest}


def _put_jobs(timeline: Timeline, store: Path) -> float:
    """Media and narration into store/media under content keys, one JSON per job into store/jobs; the copy time."""
    (store / "media").mkdir(parents=True)
    (store / "jobs").mkdir()
    copying = 0.0
    clips = []
    for clip in timeline.clips:
        asset_key, took = _put(Path(clip.asset.local_path), store)
        copying += took
        update = {"asset": clip.asset.model_copy(update={"local_path": asset_key})}
        if clip.narration is not None:
            voice_key, took = _put(clip.narration.path, store)
            copying += took
            update["narration"] = clip.narration.model_copy(update={"path": voice_key})
        clips.append(clip.model_copy(update=update))
    keyed = timeline.model_copy(update={"clips": clips})
    encoder = EncoderSettings(threads=1)  # a one-core worker
    for job in plan_segments(keyed, motion="pan", transition="fade", encoder=encoder).jobs:
        (store / "jobs" / f"segment-{job.index:03d}.json").write_text(job.model_dump_json())
    (store / "jobs" / "sound.json").write_text(keyed.model_dump_json())
    return copying


def _put(path: Path, store: Path) -> tuple[Path, float]:
    key = Path("media") / f"{file_digest(path)}{path.suffix}"
    return key, _timed_copy(path, store / key)


def _fetch(key: Path, store: Path, scratch: Path) -> tuple[Path, float]:
    """A store key's file in this worker's scratch folder, copied there once."""
    local = scratch / key
    return local, 0.0 if local.exists() else _timed_copy(store / key, local)


def worker_main(number: int, store: Path, scratch: Path) -> None:
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[number % len(cores)]})
    transfer, done = 0.0, []
    for job_file in sorted((store / "jobs").glob("*.json")):
        try:
            os.close(os.open(store / "claims" / job_file.name, os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        if job_file.stem == "sound":
            timeline, fetched = _localised_voices(Timeline.model_validate_json(job_file.read_text()), store, scratch)
            transfer += fetched
            sound = render_sound(timeline, scratch, music_cache_dir=default_cache_dir(), timeout_s=TIMEOUT_S)
            transfer += _timed_copy(sound, store / "out" / "sound.m4a")
        else:
            job, fetched = _localised(SegmentJob.model_validate_json(job_file.read_text()), store, scratch)
            transfer += fetched
            segment = render_segment(job, scratch / "parts", timeout_s=TIMEOUT_S)
            transfer += _timed_copy(segment.path, store / "out" / f"{job_file.stem}.mp4")
        done.append(job_file.stem)
    print(json.dumps({"transfer_s": transfer, "jobs": len(done), "cpu_s": _cpu()}))


def _localised(job: SegmentJob, store: Path, scratch: Path) -> tuple[SegmentJob, float]:
    """The job with its media fetched from the store into this worker's scratch folder."""
    copying = 0.0
    scenes = {}
    for name in ("previous", "scene"):
        scene = getattr(job, name)
        if scene is None:
            continue
        local, took = _fetch(Path(scene.clip.asset.local_path), store, scratch)
        copying += took
        clip = scene.clip.model_copy(update={"asset": scene.clip.asset.model_copy(update={"local_path": local})})
        scenes[name] = scene.model_copy(update={"clip": clip})
    return job.model_copy(update=scenes), copying


def _localised_voices(timeline: Timeline, store: Path, scratch: Path) -> tuple[Timeline, float]:
    copying = 0.0
    clips = []
    for clip in timeline.clips:
        if clip.narration is not None:
            local, took = _fetch(clip.narration.path, store, scratch)
            copying += took
            clip = clip.model_copy(update={"narration": clip.narration.model_copy(update={"path": local})})
        clips.append(clip)
    return timeline.model_copy(update={"clips": clips}), copying


def _timed_copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return time.perf_counter() - started


def _join_from_store(store: Path, scratch: Path, count: int) -> float:
    """Fetch the segments and the sound into the coordinator's scratch and join them; returns the copy time."""
    copying = 0.0
    segments = []
    for index in range(count):
        local = scratch / f"segment-{index:03d}.mp4"
        copying += _timed_copy(store / "out" / local.name, local)
        job = SegmentJob.model_validate_json((store / "jobs" / f"segment-{index:03d}.json").read_text())
        segments.append(SegmentFile(index=index, key=job.content_key(), path=local, frames=job.frames, fps=job.fps))
    sound = scratch / "sound.m4a"
    copying += _timed_copy(store / "out" / "sound.m4a", sound)
    join_video_stream(segments, sound, scratch / "video.mp4", timeout_s=TIMEOUT_S)
    return copying


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", default="1,2", help="worker counts of the scale-out simulation")
    parser.add_argument("--worker", type=int)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--scratch", type=Path)
    args = parser.parse_args()
    if args.worker is not None:
        (args.store / "claims").mkdir(exist_ok=True)
        return worker_main(args.worker, args.store, args.scratch)
    with tempfile.TemporaryDirectory(prefix="p2v-bench-seg-") as tmp:
        work = Path(tmp)
        timeline = build_timeline(work, scenes=args.scenes, seconds=args.seconds, transition=0.5)
        resolve_music(None, mood=timeline.mood, cache_dir=default_cache_dir(), seed=timeline.title)  # warm, untimed
        timed = full_and_incremental(timeline, work, edited_scene=args.scenes // 2)
        runs = {n: scale_out(timeline, work, n) for n in (int(w) for w in args.workers.split(","))}
    print(f"timeline: {args.scenes} scenes x {args.seconds:g} s, 1920x1080@30, {os.cpu_count()} cores")
    (full, full_cpu), (incremental, incremental_cpu) = timed["full"], timed["incremental"]
    print(
        f"full segmented compose: {full:.2f} s wall, {full_cpu:.1f} s CPU; one scene changed and composed again:"
        f" {incremental:.2f} s wall, {incremental_cpu:.1f} s CPU"
    )
    print(
        f"incremental vs full: {incremental / full:.0%} of the full render's time (target <= 20%);"
        f" by CPU {incremental_cpu / full_cpu:.0%}"
    )
    base = runs[min(runs)]
    for n, run in runs.items():
        print(
            f"scale-out, {n} worker(s) of one core each: {run['wall_s']:.2f} s wall, speed-up"
            f" {base['wall_s'] / run['wall_s']:.2f}x vs {min(runs)} worker(s);"
            f" store transfers {run['transfer_s']:.2f} s; by the busiest worker's CPU"
            f" {base['busiest_cpu_s'] / run['busiest_cpu_s']:.2f}x"
            f" (jobs per worker {run['jobs']})"
        )
    print("note: wall-clock figures depend on what else runs on the machine")


if __name__ == "__main__":
    main()
