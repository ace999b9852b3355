"""The table of published observations (``data/observed/observations.csv``), read and checked.

Every row is validated once, at load time, into a frozen :class:`Observation`; a bad row gives
one :class:`ObservationsError` naming the file, the row id (and line), the column and what is
expected. The columns are documented in ``data/observed/README.md``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "COLUMNS",
    "KPI_UNITS",
    "OBSERVED_TABLE",
    "BacktestInputError",
    "Observation",
    "ObservationsError",
    "load_observations",
]

#: The bundled table of observations.
OBSERVED_TABLE = Path(__file__).resolve().parents[2] / "data" / "observed" / "observations.csv"

#: Columns of the table, in order.
COLUMNS = (
    "id",
    "kpi",
    "place",
    "year",
    "months",
    "value",
    "unit",
    "tonnage",
    "source",
    "band_low",
    "band_high",
    "band_reason",
    "role",
    "scenario",
    "note",
)

#: The unit each KPI is published in.
KPI_UNITS = {
    "port_throughput_t": "t",
    "port_area_throughput_t": "t",
    "port_teu": "TEU",
    "lock_lockages": "lockages",
    "lock_ships": "ships",
    "lock_ships_per_lockage": "ships/lockage",
    "lock_cargo_t": "t",
    "lock_ship_tonnage_t": "t",
    "lock_cargo_t_per_lockage": "t/lockage",
    "lock_ship_tonnage_t_per_lockage": "t/lockage",
    "lock_peak_queue_ships": "ships",
    "canal_cargo_carried_t": "t",
}

Unit = Literal["t", "TEU", "lockages", "ships", "ships/lockage", "t/lockage"]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]


class BacktestInputError(ValueError):
    """Bad input to a back-test (the table, a row, a scenario it names); the message names
    the file, the row and what is expected."""


class ObservationsError(BacktestInputError):
    """The observations table cannot be read or a row breaks its contract."""


class Observation(BaseModel):
    """One published figure and the band the model must hit.

    Attributes
    ----------
    id : str
        Unique upper-case id, e.g. ``OBS_SUBEI_LOCKAGES_2025``.
    kpi : str
        What is observed, one of :data:`KPI_UNITS`.
    place : str
        A node id of the network data or an aggregate (``PORT``, ``SUBEI_CANAL``,
        ``HUAIAN_WATERWAY_LOCKS``).
    year : int
        Calendar year of the figure.
    months : tuple of int
        First and last calendar month covered (``(8, 8)`` for August alone).
    value : float
        The figure as published, in ``unit``.
    unit, tonnage, source, band_reason, note : str
        As documented in ``data/observed/README.md``.
    band_low, band_high : float or None
        The tolerance band in ``unit``; None: open on that side.
    role : str
        ``calibration`` or ``validation``.
    scenario : str or None
        File name (in the scenarios folder) of the scenario that predicts the row; None: no
        scenario does, and ``note`` says why.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: Code
    kpi: str
    place: Code
    year: Annotated[int, Field(ge=1900, le=2100)]
    months: tuple[int, int]
    value: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    unit: Unit
    tonnage: Literal["cargo", "ship", "n/a"]
    source: Annotated[str, StringConstraints(pattern=r"^SRC_[A-Z0-9_]+$")]
    band_low: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None
    band_high: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None
    band_reason: Annotated[str, StringConstraints(min_length=1)]
    role: Literal["calibration", "validation"]
    scenario: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.ya?ml$")] | None = None
    note: Annotated[str, StringConstraints(min_length=1)]

    @field_validator("kpi")
    @classmethod
    def _kpi(cls, name: str) -> str:
        if name not in KPI_UNITS:
            raise ValueError("expected one of " + ", ".join(KPI_UNITS))
        return name

    @field_validator("months", mode="before")
    @classmethod
    def _months(cls, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        parts = text.strip().split("-")
        if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
            raise ValueError("expected a month or 'first-last', e.g. 8 or 1-12")
        first, last = int(parts[0]), int(parts[-1])
        if not (1 <= first <= last <= 12):
            raise ValueError("months must lie within 1-12, first before last")
        return (first, last)

    @field_validator("band_low", "band_high", "scenario", mode="before")
    @classmethod
    def _empty_is_none(cls, text: Any) -> Any:
        return None if isinstance(text, str) and not text.strip() else text

    @model_validator(mode="after")
    def _consistent(self) -> Observation:
        expected = KPI_UNITS[self.kpi]
        if self.unit != expected:
            raise ValueError(f"unit: {self.kpi} is published in {expected!r} (got {self.unit!r})")
        if self.band_low is None and self.band_high is None:
            raise ValueError("band_low, band_high: a band needs at least one bound")
        if (
            self.band_low is not None
            and self.band_high is not None
            and self.band_low > self.band_high
        ):
            raise ValueError(
                f"band_low, band_high: band_low ({self.band_low:g}) is above band_high "
                f"({self.band_high:g})"
            )
        return self

    @property
    def months_text(self) -> str:
        """The months as the table writes them: ``1-12``, ``8``."""
        first, last = self.months
        return str(first) if first == last else f"{first}-{last}"

    @property
    def period(self) -> str:
        """The months covered, in words: ``2025 Jan-Sep``, ``2020 Aug``."""
        first, last = (_MONTHS[m - 1] for m in self.months)
        return f"{self.year} {first}" if first == last else f"{self.year} {first}-{last}"

    def holds(self, predicted: float) -> bool:
        """Whether ``predicted`` lies within the band (an empty bound is open)."""
        low = self.band_low if self.band_low is not None else -float("inf")
        high = self.band_high if self.band_high is not None else float("inf")
        return low <= predicted <= high


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _problem(error: ValidationError) -> str:
    """The first problem of a row as ``column: message (got value)``."""
    first = error.errors()[0]
    column = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if not column:  # a check across columns names them itself
        return message
    return f"{column}: {message} (got {first['input']!r})"


def load_observations(path: str | Path = OBSERVED_TABLE) -> list[Observation]:
    """Read and check a table of observations.

    Parameters
    ----------
    path : path
        A CSV with the columns of :data:`COLUMNS` (``data/observed/README.md``).

    Returns
    -------
    list of Observation
        In table order.

    Raises
    ------
    ObservationsError
        The file is missing or unreadable, its header is not the documented one, an id is
        repeated, or a row breaks the contract; the message names the file, the row and the
        column.

    Examples
    --------
    >>> rows = load_observations()
    >>> rows[0].kpi in KPI_UNITS
    True
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            _check_header(path, header)
            records = [(reader.line_num, row) for row in reader]
    except OSError as error:
        raise ObservationsError(f"{path}: cannot read the table ({error.strerror})") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ObservationsError(f"{path}: not a UTF-8 CSV table ({error})") from None
    observations: list[Observation] = []
    lines: dict[str, int] = {}
    for line, row in records:
        name = (row.get("id") or "").strip() or f"on line {line}"
        where = f"{path}: row {name} (line {line})"
        if None in row:
            raise ObservationsError(f"{where}: more fields than the {len(COLUMNS)} columns")
        try:
            observation = Observation.model_validate(row)
        except ValidationError as error:
            raise ObservationsError(f"{where}: {_problem(error)}") from None
        if observation.id in lines:
            raise ObservationsError(
                f"{where}: id {observation.id} is already used on line {lines[observation.id]}"
            )
        lines[observation.id] = line
        observations.append(observation)
    if not observations:
        raise ObservationsError(f"{path}: no observations (only a header)")
    return observations


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        raise ObservationsError(
            f"{path}: {'; '.join(parts)}; expected the columns " + ",".join(COLUMNS)
        )
