"""The cheaper ways a segment and the extras are made give the same pictures as before."""

import subprocess
from collections import Counter
from pathlib import Path

import ffmpeg
import numpy as np
import pytest

from services.compose.atlas import AtlasStore
from services.compose.contact_sheet import write_contact_sheet
from services.compose.plan import plan_render
from services.compose.reduced import jpeg_size, lowres_option
from services.compose.segment_render import render_segment, segment_atlas_keys
from services.compose.segments import EncoderSettings, plan_segments
from services.compose.visuals import crossfade, scene_stream, scene_tail, shot_frames
from services.ffmpeg import ffmpeg_exe, run_ffmpeg
from tests.services.compose.compose_helpers import make_timeline

W, H, FPS = 160, 90, 30
TAIL = 9


def yuv_frames(stream: ffmpeg.nodes.FilterableStream, width: int = W, height: int = H) -> np.ndarray:
    """The stream's frames as raw yuv420p: shape (frames, width * height * 3 / 2)."""
    args = ffmpeg.output(stream, "-", f="rawvideo", pix_fmt="yuv420p").get_args()
    done = subprocess.run([ffmpeg_exe(), "-v", "error", *args], capture_output=True, check=True)
    return np.frombuffer(done.stdout, np.uint8).reshape(-1, width * height * 3 // 2).astype(np.int16)


@pytest.mark.parametrize("motion", ["pan", "zoom", "pixel_pan"])
def test_a_scenes_tail_alone_is_its_last_frames(motion, make_still, make_clip) -> None:
    still, clip = make_still("s", 300, 200, seed=3), make_clip("c", 200, 150, fps=25, seconds=2.0)
    timeline = make_timeline([(still, 2.4, "One.", None), (clip, 1.0, "Two.", None)], width=W, height=H)
    plan = plan_render(timeline)
    single = plan.scenes[0]
    two_shots = single.model_copy(update={"clip": single.clip.model_copy(update={"extra_assets": [clip]})})
    second_shot = shot_frames(two_shots.frames, 2, min_frames=FPS)[1]
    for scene, tail in ((single, 9), (two_shots, 9), (two_shots, second_shot + 4)):
        whole = scene_stream(scene, plan, motion=motion)
        last = whole.filter("trim", start_frame=scene.frames - tail).filter("setpts", "PTS-STARTPTS")
        expected = yuv_frames(last)
        got = yuv_frames(scene_tail(scene, plan, motion=motion, frames=tail))
        assert got.shape == expected.shape == (tail, W * H * 3 // 2)
        assert np.array_equal(got, expected)


@pytest.mark.parametrize("transition", ["fade", "circleopen", "slideleft"])
def test_a_plane_wise_transition_matches_the_whole_frame_one(transition) -> None:
    def side(source: str) -> ffmpeg.nodes.FilterableStream:
        return ffmpeg.input(f"{source}=s={W}x{H}:r={FPS}:d=0.4", f="lavfi").video.filter("format", "yuv420p")

    plane_wise = crossfade(side("testsrc2"), side("smptebars"), transition, 0.4)
    whole = ffmpeg.filter([side("testsrc2"), side("smptebars")], "xfade", transition=transition, duration=0.4)
    got, expected = yuv_frames(plane_wise), yuv_frames(whole.filter("format", "yuv420p"))
    luma = W * H
    assert got.shape == expected.shape and len(got) == round(0.4 * FPS)
    assert np.array_equal(got[:, :luma], expected[:, :luma])  # luma: the same filter on the same plane
    # chroma: without the 4:4:4 round trip, which smears sharp chroma edges (~2.3 levels on testsrc2 at this size)
    assert np.abs(got[:, luma:] - expected[:, luma:]).mean() < 4.0
    if transition == "fade":
        assert np.array_equal(got[0], yuv_frames(side("testsrc2"))[0])  # starts on the tail itself, untouched


def test_a_large_jpeg_is_decoded_reduced_only_while_it_still_covers(make_still, tmp_path) -> None:
    png = make_still("big", 2400, 1800, seed=5)
    jpeg = tmp_path / "big.jpg"
    run_ffmpeg(["-i", str(png.local_path), "-q:v", "2", str(jpeg)], timeout_s=60, what="making a jpeg")

    assert jpeg_size(jpeg) == (2400, 1800)
    assert lowres_option(jpeg, 160, 90) == {"lowres": 3}
    assert lowres_option(jpeg, 512, 288) == {"lowres": 1}  # 1800 / 2 = 900 >= 512 either way round; / 4 is not
    assert lowres_option(jpeg, 1280, 720) == {}
    assert lowres_option(png.local_path, 160, 90) == {}  # not a JPEG
    assert jpeg_size(png.local_path) is None

    as_png = png.model_copy(update={"asset_id": "png"})
    as_jpeg = png.model_copy(update={"asset_id": "jpeg", "local_path": jpeg})
    sheets = []
    for asset, name in ((as_png, "full"), (as_jpeg, "reduced")):
        timeline = make_timeline([(asset, 1.0, "One.", None)], width=640, height=360)
        sheet = write_contact_sheet(timeline, tmp_path / f"{name}.png", timeout_s=60)
        sheets.append(yuv_frames(ffmpeg.input(str(sheet)).video, *_png_size(sheet)))
    assert np.abs(sheets[0] - sheets[1]).mean() < 3.0  # the same tile, within JPEG's own loss


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_shared_pan_atlases_give_the_same_segments_and_are_built_once(make_still, tmp_path) -> None:
    stills = [make_still("a", 300, 200, seed=3), make_still("b", 160, 200, seed=5), make_still("c", 200, 200, seed=6)]
    timeline = make_timeline([(s, 1.0, "Words.", None) for s in stills], width=W, height=H, transition_s=0.2)
    encoder = EncoderSettings(preset="ultrafast", threads=1)
    jobs = plan_segments(timeline, motion="pan", transition="fade", encoder=encoder).jobs
    keys = {job.index: segment_atlas_keys(job) for job in jobs}
    uses = Counter(key for job_keys in keys.values() for key in job_keys)
    store = AtlasStore(tmp_path / "atlases", uses, timeout_s=60, global_args=encoder.global_args())
    for job in jobs:
        shared = render_segment(job, tmp_path / "shared", timeout_s=60, atlases=store)
        store.release(keys[job.index])
        alone = render_segment(job, tmp_path / "alone", timeout_s=60)
        assert shared.path.read_bytes() == alone.path.read_bytes()  # the same pixels, hence the same H.264 bytes
    assert sorted(uses.values()) == [1, 2, 2]  # scenes 0 and 1 show in their own segment and the next one's tail
    assert store.built == 2 and not list((tmp_path / "atlases").iterdir())  # the last scene's is built in-graph
