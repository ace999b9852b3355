"""Vessel positions at a moment and the GIF of a day."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from sim.viz import animate_vessels, vessel_positions_chart
from sim.viz.animation import STATE_COLOURS, vessel_positions
from sim.viz.journeys import default_start_h


def test_positions_lie_on_the_network_and_match_the_records(baseline_data):
    moment = default_start_h(baseline_data) + 30.0
    positions = vessel_positions(baseline_data, moment)
    assert len(positions) > 100 and positions["vessel"].is_unique
    assert set(positions["state"]) <= set(STATE_COLOURS)
    # within the extent of the network: its places and the drawn links (a sea link bends
    # east of the easternmost place)
    places = baseline_data.model.places
    coords = np.array([c for line in baseline_data.model.links["coords"] for c in line])
    lon = np.r_[places["lon"].to_numpy(dtype=float), coords[:, 0]]
    lat = np.r_[places["lat"].to_numpy(dtype=float), coords[:, 1]]
    assert positions["lon"].between(lon.min(), lon.max()).all()
    assert positions["lat"].between(lat.min(), lat.max()).all()
    # a ship in a lock chamber at that moment is one whose lockage spans it
    passages = baseline_data.replication_events("passages", 0)
    spans = (passages["start_h"] <= moment) & (moment <= passages["end_h"])
    in_lock = set(positions.loc[positions["state"] == "in a lock", "vessel"])
    assert in_lock and in_lock <= set(passages.loc[spans, "vessel"])


def test_snapshot_and_gif(baseline_data, minimal, tmp_path):
    figure = vessel_positions_chart(baseline_data)
    assert isinstance(figure, Figure) and len(figure.axes[0].collections) >= 3
    assert np.isfinite(figure.axes[0].get_xlim()).all()
    path = animate_vessels(baseline_data, tmp_path / "day.gif", hours=2, frames=3, dpi=40)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 3
    assert [p.name for p in tmp_path.iterdir()] == ["day.gif"]  # written atomically
    with pytest.raises(ValueError, match="no network"):
        animate_vessels(minimal, tmp_path / "none.gif")
    texts = " ".join(t.get_text() for t in vessel_positions_chart(minimal).axes[0].texts)
    assert "network" in texts
