"""The congestion-aware choice of terminal a ship makes when it sets off (``diversion``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from sim.engine.context import Context
from sim.engine.stations.base import Station, arrives_before
from sim.engine.stations.terminal import TerminalStation

__all__ = ["Diverter"]

INF: Final = math.inf


class Diverter(Station):
    """Congestion-aware choice of terminal, made when a ship sets off (``diversion``).

    A ship that would find ``queue_threshold_vessels`` or more ships queueing for the berths it
    can use at its terminal goes to the first alternative where fewer than that queue for the
    berths it could use there (and fewer than at its own); otherwise it keeps its terminal.
    """

    name = "diversion"

    def __init__(
        self, context: Context, threshold: int, terminals: Sequence[TerminalStation]
    ) -> None:
        super().__init__(context)
        self.threshold = threshold
        self.terminals = list(terminals)  # indexed like the model's terminals
        self.limit = 2**62  # ships only pass through here

    def queued_vessels(self) -> list[int]:
        return []

    def serving_vessels(self) -> list[int]:
        return []

    def push(self, time_h: float, vessel: int, direction: int) -> None:
        self.pending.push(time_h, vessel, direction)
        self.schedule_ring(time_h)

    def ring(self) -> None:
        context = self.context
        now = context.now
        diversions = context.model.diversions
        itineraries = context.model.itineraries
        feed, pending = self.feed, self.pending
        while True:
            # the next ship due, left in place until it has chosen: counting a queue may find
            # it overflowing and stop the run, and the ship must then still be here
            from_feed = self.feed_next < len(feed) and feed[self.feed_next][0] <= now
            if pending.first_time() <= now and (
                not from_feed or arrives_before(pending.first(), feed[self.feed_next])
            ):
                vessel = pending.first().key
                from_feed = False
            elif from_feed:
                vessel = feed[self.feed_next][1]
            else:
                break
            itinerary = context.v_itin[vessel]
            home = itineraries[itinerary]
            own = self.terminals[home.terminal].queued_for(home.eligible_groups, now)
            chosen = itinerary
            if own >= self.threshold:
                for alternative in diversions[itinerary]:
                    other = itineraries[alternative]
                    there = self.terminals[other.terminal].queued_for(other.eligible_groups, now)
                    if there < self.threshold and there < own:
                        chosen = alternative
                        break
            if from_feed:
                self.feed_next += 1
            else:
                pending.pop()
            if chosen != itinerary:
                context.v_itin[vessel] = chosen
                context.v_diverted[vessel] = 1
            context.set_off(vessel, now)
        upcoming = self.next_arrival()
        if upcoming < INF:
            self.schedule_ring(upcoming)
