"""One exception hierarchy for byibalance.

Every message teaches: it names the offending value, where it came from (file, line, field,
year) and how to fix it. Library errors (YAML, solver, database) are translated into these classes
at the boundary. The CLI maps each class to an exit code and a one-line message; the web API maps
them to a 4xx answer with a structured ``detail``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorLocation:
    """Where a problem was found: any of file, line, field and year."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    year: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        if self.year is not None:
            parts.append(f"year {self.year}")
        return ", ".join(parts)


@dataclass
class ByibalanceError(Exception):
    """Base class of every error byibalance raises on purpose.

    ``problem`` says what is wrong, ``fix`` how to put it right, ``where`` where it was found.
    """

    problem: str
    fix: str | None = None
    where: ErrorLocation = field(default_factory=ErrorLocation)

    exit_code = 1
    http_status = 400

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.problem
        where = str(self.where)
        if where:
            text = f"{where}: {text}"
        if self.fix:
            text = f"{text}. {self.fix}" if not text.endswith(".") else f"{text} {self.fix}"
        return text

    def as_detail(self) -> dict[str, object]:
        """The structured ``detail`` of an API error answer."""
        return {
            "type": type(self).__name__,
            "problem": self.problem,
            "fix": self.fix,
            "file": self.where.file,
            "line": self.where.line,
            "field": self.where.field,
            "year": self.where.year,
            "message": str(self),
        }


class InputError(ByibalanceError):
    """Bad input from a user: a scenario, a CSV or Excel sheet, a request."""

    exit_code = 2


class ScenarioError(InputError):
    """A scenario file or scenario override that does not validate."""


class DataError(ByibalanceError):
    """Embedded or downloaded data that is missing, malformed or does not cover a request."""

    exit_code = 3


class UnknownMunicipalityError(DataError):
    """A municipality code that is not one of the 98 Danish municipalities."""

    http_status = 404


class ParameterError(ByibalanceError):
    """A parameter file that is malformed, or a parameter asked for at a date it does not cover."""

    exit_code = 3


class PopulationError(ByibalanceError):
    """A population projection that cannot be computed from its inputs."""

    exit_code = 4


class FinanceError(ByibalanceError):
    """A budget, revenue or equalisation computation that cannot be done from its inputs."""

    exit_code = 4


class PortfolioError(ByibalanceError):
    """An ambitions catalogue or optimisation that cannot be solved (e.g. infeasible pins)."""

    exit_code = 5


class ParticipationError(ByibalanceError):
    """A citizens' budget election, ballot or .pb file that is malformed or cannot be counted."""

    exit_code = 6


class PabulibFormatError(ParticipationError, InputError):
    """A Pabulib .pb file that does not follow the format."""

    exit_code = 6


class BallotError(ParticipationError, InputError):
    """A ballot that breaks the election's rules (unknown project, too long, over the budget)."""

    exit_code = 6


class IndicatorError(ByibalanceError):
    """An indicator registry, value file or climate inventory that is malformed or inconsistent."""

    exit_code = 8


class SourceError(ByibalanceError):
    """An online source (Statistics Denmark) that is unreachable or answered with an error."""

    exit_code = 7


class AuthError(ByibalanceError):
    """A request that is not signed in, or not allowed for the user's role."""

    http_status = 403


class ParticipationNotFoundError(ParticipationError, InputError):
    """A citizens' budget, hearing, proposal or project that does not exist (web: 404)."""

    http_status = 404
