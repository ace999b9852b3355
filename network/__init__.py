"""hubsim network layer: Huai'an geodata to a multimodal NetworkX graph, routing, maps, GIS export.

No SimPy here; the engine (``sim``) reads what this package builds.
"""

from network.contract import MODES, NODE_KINDS, PORT_AREAS
from network.dataset import BUNDLED_DATA, Dataset, bundled_data_dir, read_dataset
from network.errors import DataError, Problem
from network.export import write_geopackage, write_map
from network.graph import build_graph, place_nodes
from network.plot import MODE_COLOURS, plot_network
from network.routing import (
    CostWeights,
    Leg,
    NoRouteError,
    Route,
    RouteRequest,
    Transfer,
    VesselLimits,
    logit_shares,
    route_table,
    shortest_routes,
    vessel_limits,
)

__all__ = [
    "BUNDLED_DATA",
    "MODES",
    "MODE_COLOURS",
    "NODE_KINDS",
    "PORT_AREAS",
    "CostWeights",
    "DataError",
    "Dataset",
    "Leg",
    "NoRouteError",
    "Problem",
    "Route",
    "RouteRequest",
    "Transfer",
    "VesselLimits",
    "build_graph",
    "bundled_data_dir",
    "logit_shares",
    "place_nodes",
    "plot_network",
    "read_dataset",
    "route_table",
    "shortest_routes",
    "vessel_limits",
    "write_geopackage",
    "write_map",
]
