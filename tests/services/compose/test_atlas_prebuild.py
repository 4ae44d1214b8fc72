"""The one-graph composer's pan atlases built beforehand give the same video, and leave no files behind."""

import os
import socket
import subprocess
import sys

import ffmpeg

from services.compose import Composer
from services.compose.atlas_prebuild import pan_atlas_shots, prebuild_atlases
from services.compose.plan import plan_render
from services.compose.visuals import video_track
from services.ffmpeg import ffmpeg_exe
from services.partials import remove_dead_partials
from tests.services.compose.compose_helpers import make_timeline

W, H = 320, 180


def frame_md5s(args: list[str]) -> list[str]:
    """The md5 of each decoded video frame (ffmpeg's framemd5 muxer) of the input `args` name."""
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", *args, "-map", "0:v:0", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.rsplit(",", 1)[1].strip() for line in done.stdout.splitlines() if not line.startswith("#")]


def graph_md5s(stream: ffmpeg.nodes.FilterableStream) -> list[str]:
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", *ffmpeg.output(stream, "-", f="framemd5").get_args()],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.rsplit(",", 1)[1].strip() for line in done.stdout.splitlines() if not line.startswith("#")]


def three_stills(make_still, make_clip):
    """Three stills panning along both axes, and a clip, which has no atlas."""
    first, wide, tall = make_still("a", 400, 300, seed=1), make_still("b", 640, 200, seed=2), make_still("c", 200, 300)
    clip = make_clip("d", 200, 150, fps=25, seconds=1.0)
    scenes = [(first, 1.2, "One.", None), (wide, 1.2, "Two.", None), (clip, 1.0, "Three.", None)]
    return make_timeline([*scenes, (tall, 1.2, "Four.", None)], width=W, height=H, transition_s=0.3)


def test_prebuilt_atlases_draw_the_same_frames_as_the_graphs_own(make_still, make_clip, tmp_path) -> None:
    plan = plan_render(three_stills(make_still, make_clip))
    shots = pan_atlas_shots(plan, "pan")
    assert [index for index, _ in shots.values()] == [0, 1, 3]
    assert pan_atlas_shots(plan, "zoom") == {}

    atlases = prebuild_atlases(plan, "pan", tmp_path / "atlases", timeout_s=60, workers=2)

    assert sorted(atlases) == sorted(shots) and all(path.stat().st_size > W * H * 3 // 2 for path in atlases.values())
    built = graph_md5s(video_track(plan, motion="pan", transition="fade", atlases=atlases))
    in_graph = graph_md5s(video_track(plan, motion="pan", transition="fade"))
    assert len(built) == plan.total_frames and built == in_graph


def test_the_composer_reads_prebuilt_atlases_and_its_video_is_unchanged(make_still, make_clip, tmp_path) -> None:
    timeline = three_stills(make_still, make_clip)
    seen: list[list[str]] = []

    def atlas_files(_: float) -> None:
        seen.extend(sorted(p.name for p in folder.iterdir()) for folder in (tmp_path / "pre").glob(".atlases.*"))

    pre = Composer(preset="ultrafast").render(timeline, tmp_path / "pre", on_progress=atlas_files)
    in_graph = Composer(preset="ultrafast", prebuilt_atlases=False).render(timeline, tmp_path / "graph")

    assert seen and all(len(names) == 3 and all(n.endswith(".yuv") for n in names) for names in seen)
    expected = frame_md5s(["-i", str(in_graph.path)])
    assert len(expected) == plan_render(timeline).total_frames
    assert frame_md5s(["-i", str(pre.path)]) == expected
    for out in (tmp_path / "pre", tmp_path / "graph"):
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "no atlas folder or partial left"


def test_a_killed_renders_atlas_folder_is_removed_by_the_next_render(tmp_path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".atlases.{socket.gethostname()}-{int(finished.stdout)}.partial"
    dead.mkdir()
    (dead / "atlas-0123.yuv").write_bytes(b"x" * 100)
    live = tmp_path / f".atlases.{socket.gethostname()}-{os.getpid()}.partial"
    live.mkdir()

    assert remove_dead_partials(tmp_path) == [dead]
    assert not dead.exists() and live.is_dir()
