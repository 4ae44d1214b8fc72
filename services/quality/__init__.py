"""A quality report of a published video folder: `check_video_folder(folder) -> QualityReport`."""

from services.quality.report import NotAVideoFolder, QualityReport, TargetResult, check_video_folder, read_metadata

__all__ = ["NotAVideoFolder", "QualityReport", "TargetResult", "check_video_folder", "read_metadata"]
