"""The viewer's numeric waypoints are the time-space diagram's (two implementations, one
answer)."""

from __future__ import annotations

import numpy as np

from sim.results.rundata import RunData
from sim.viewer._source import read_run
from sim.viewer.tracks import STOP_CODES, waypoints
from sim.viz.tracks import vessel_waypoints


def test_same_waypoints_as_the_time_space_diagram(plan_folder):
    run = read_run(plan_folder)
    model = run.data.model
    start = model.warmup_h + 6.0
    mine = waypoints(
        model,
        run.events("vessels"),
        run.events("passages"),
        run_end_h=run.end_h,
        start_h=start,
        end_h=start + 30.0,
    )
    reference = vessel_waypoints(
        RunData.from_folder(plan_folder), start_h=start, end_h=start + 30.0
    )
    assert len(mine) == len(reference) > 1000
    np.testing.assert_array_equal(mine.vessel, reference["vessel"].to_numpy())
    np.testing.assert_array_equal(model.places["id"].to_numpy()[mine.place], reference["place"])
    names = {code: name for name, code in STOP_CODES.items()}
    assert [names[c] for c in mine.stop] == reference["stop"].tolist()
    for column in ("arrive_h", "serve_h", "depart_h"):
        np.testing.assert_array_equal(getattr(mine, column), reference[column].to_numpy(float))
    links = np.r_[model.links["id"].to_numpy(), [""]]
    assert links[mine.link].tolist() == reference["next_link"].tolist()
