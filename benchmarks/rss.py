"""Peak memory of a process and all its children at once, sampled (getrusage only gives the largest single one)."""

import threading

import psutil

SAMPLE_S = 0.1
"""Each sample walks /proc for the children. Every 20 ms that took ~12% of a core from the render being measured:
all of it slows a render that keeps both cores busy (segmented), little of it x264 alone (~1.8 cores), which
biased the comparison. Every 100 ms: ~2%; ffmpeg processes live for seconds and reach their peak early."""


class PeakRSS:
    """Samples the summed RSS of this process and its descendants on a thread, every SAMPLE_S seconds."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "PeakRSS":
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(SAMPLE_S):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
