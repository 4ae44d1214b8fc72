"""Scene durations that add up to the video's target length (transitions overlap neighbouring scenes)."""

MIN_SCENE_S, MAX_SCENE_S = 2.5, 20.0


def fit_durations(
    weights: list[float], target_s: float, transition_s: float, *, low: float = MIN_SCENE_S, high: float = MAX_SCENE_S
) -> list[float]:
    """Durations proportional to `weights`, each within [low, high] when possible, with
    sum - transition_s * (n - 1) == target_s to the millisecond (the last scene absorbs the rounding)."""
    n = len(weights)
    wanted = target_s + transition_s * (n - 1)
    low, high = min(low, wanted / n), max(high, wanted / n)
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        if not free:
            share = {}
            break
        budget = wanted - sum(fixed.values())
        total = sum(max(weights[i], 1e-9) for i in free)
        share = {i: budget * max(weights[i], 1e-9) / total for i in free}
        out = {i: v for i, v in share.items() if v < low or v > high}
        if not out:
            break
        for i, v in out.items():
            fixed[i] = low if v < low else high
    durations = [round(fixed.get(i, share.get(i, 0.0)), 3) for i in range(n)]
    durations[-1] = round(wanted - sum(durations[:-1]), 3)
    return durations
