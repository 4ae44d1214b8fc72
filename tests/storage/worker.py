"""A worker of the two-workers test, in its own process: `serve` (the compose deployment) or `run PROMPT [JSON]`
(JSON: request fields replacing those of SMALL)."""

import json
import sys

SMALL = {"aspect": "1:1", "scenes": 2, "duration_s": 6.0}


def main() -> None:
    if sys.argv[1] == "serve":
        from flows.compose import compose_video_flow

        compose_video_flow.serve(name="compose")
        return
    from flows.prompt_to_video import prompt_to_video

    request = SMALL | (json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
    state = prompt_to_video(prompt=sys.argv[2], return_state=True, **request)
    outcome = {"completed": state.is_completed(), "message": state.message, "run": str(state.state_details.flow_run_id)}
    if state.is_completed():
        outcome["publication"] = state.result().model_dump(mode="json")
    print("OUTCOME " + json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
