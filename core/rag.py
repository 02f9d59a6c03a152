"""RAG status and trends of KPI values, by Medway's key and by the other councils' schemes.

Medway's key ("Performance: Quarter 3 2020/21"), the default scheme:

| status | meaning                                   |
| ------ | ----------------------------------------- |
| Green  | met or exceeded target                    |
| Amber  | slightly below target (within 5%)         |
| Red    | significantly below target (more than 5%) |
| Data   | data only: reported without a target      |
| NA     | no value for the period                   |

A period whose target is not set (the measure is not data only) is "No target": not rated,
and not Data.

"Below" follows the measure's polarity. The 5% is the relative shortfall
against the target, |actual − target| / |target|, and is a parameter.

Other councils publish other rules (a green band, tolerance on both sides, Amber that depends
on the trend against the same quarter last year, percentage points rather than a relative
shortfall) and their own labels, symbols and colours. :func:`assess` applies a
:class:`RagRule` and returns a *role* (a :class:`Rag`); a :class:`Scheme` names and draws
each role. The built-in schemes are in :data:`PRESETS`.
All arithmetic is done in :class:`~decimal.Decimal`; ints, floats and numeric
strings are converted via ``Decimal(str(x))`` so 68.4 means exactly 68.4.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.db import models

__all__ = [
    "DEFAULT_TOLERANCE",
    "PRESETS",
    "Colour",
    "Measure",
    "Number",
    "Polarity",
    "Rag",
    "RagRule",
    "Scheme",
    "State",
    "StatusCount",
    "Symbol",
    "Trend",
    "as_decimal",
    "assess",
    "movement",
    "long_trend",
    "rag_status",
    "short_trend",
    "shortfall",
    "worst_of",
]

#: Anything the helpers accept as a number.
type Number = Decimal | int | float | str

#: Default relative shortfall still counted as Amber (5%).
DEFAULT_TOLERANCE = Decimal("0.05")

RAG_DESCRIPTIONS: dict[str, str] = {
    "green": "met or exceeded target",
    "amber": "slightly below target (within 5%)",
    "red": "significantly below target (more than 5%)",
    "data": "data only: reported without a target",
    "na": "no value for the period",
    "better": "significantly better than target",
    "notarget": "no target set for this period (not rated)",
}

TREND_ARROWS: dict[str, str] = {
    "IMP": "↑",
    "DET": "↓",
    "Static": "→",
    "NA": "–",
    "Up": "↑",
    "Down": "↓",
}


class Rag(models.TextChoices):
    """The role a KPI value's status plays, whatever a council's scheme calls it.

    The labels are Medway's; a council's :class:`Scheme` gives each role its own label, symbol
    and colour. BETTER (significantly better than target) is used only by two-sided schemes;
    NO_TARGET is a period whose target is not set, which is not a data-only measure (DATA).
    """

    BETTER = "better", "Better than target"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    NO_TARGET = "notarget", "No target"
    DATA = "data", "Data"
    NA = "na", "NA"

    @property
    def description(self) -> str:
        """The key's wording, e.g. "met or exceeded target"."""
        return RAG_DESCRIPTIONS[self.value]

    @property
    def css_class(self) -> str:
        """BEM modifier for styling, e.g. "rag--green"."""
        return f"rag--{self.value}"


class Trend(models.TextChoices):
    """Direction of a KPI value against earlier values, in the measure's polarity."""

    IMP = "IMP", "Improved"
    DET = "DET", "Worsened"
    STATIC = "Static", "Static"
    NA = "NA", "Not available"
    #: Movement of a measure with no better direction, shown without judging it.
    UP = "Up", "Went up"
    DOWN = "Down", "Went down"

    @property
    def arrow(self) -> str:
        """ "↑" improved, "↓" worsened, "→" static, "–" not available."""
        return TREND_ARROWS[self.value]


class Polarity(models.TextChoices):
    """Whether a bigger value of a measure is better or worse."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NONE = "none", "No better direction"


def as_decimal(value: Number | None) -> Decimal | None:
    """Convert ``value`` to ``Decimal`` via ``str`` (None stays None).

    Raises ``ValueError`` for booleans, non-numbers, NaN and infinities.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def _polarity(polarity: str) -> Polarity:
    try:
        return Polarity(polarity)
    except ValueError:
        raise ValueError(
            f"{polarity!r} is not a polarity (expected {Polarity.HIGHER.value!r}, "
            f"{Polarity.LOWER.value!r} or {Polarity.NONE.value!r})"
        ) from None


def _absolute_shortfall(actual: Decimal, target: Decimal, polarity: str) -> Decimal:
    """How far ``actual`` is on the wrong side of ``target`` (negative if beyond it)."""
    if _polarity(polarity) is Polarity.HIGHER:
        return target - actual
    return actual - target


class Measure(models.TextChoices):
    """How a rule measures the distance from target."""

    RELATIVE = "relative", "Relative to the target (|actual − target| / |target|)"
    POINTS = "points", "Points, in the measure's unit (e.g. 3 points below a 90% target)"


def _threshold(name: str, value: Number | None, allow_none: bool = False) -> Decimal | None:
    number = as_decimal(value)
    if number is None and allow_none:
        return None
    if number is None or number < 0:
        raise ValueError(f"{name} must be a non-negative number, not {value!r}")
    return number


@dataclass(frozen=True)
class RagRule:
    """The rule that gives a value its role, with its thresholds.

    ``worse`` is how far the value is on the wrong side of the target: relative
    (shortfall / |target|) or in points (the measure's unit). Then: better by more than
    ``better_band`` → BETTER (two-sided schemes; None: never); worse by at most
    ``green_band`` → GREEN; worse by at most ``amber_band`` → AMBER; beyond it RED, unless
    ``trend_amber`` and the value is at least as good as the same period last year (AMBER).
    Every threshold is inclusive: exactly at it counts as the milder state.
    """

    amber_band: Decimal = DEFAULT_TOLERANCE
    green_band: Decimal = Decimal(0)
    better_band: Decimal | None = None
    measure: str = Measure.RELATIVE
    trend_amber: bool = False

    def __post_init__(self) -> None:
        amber = _threshold("The Amber threshold", self.amber_band)
        green = _threshold("The Green threshold", self.green_band)
        better = _threshold("The better-than-target threshold", self.better_band, True)
        if green > amber:
            raise ValueError("The Green threshold cannot be beyond the Amber threshold")
        try:
            measure = Measure(self.measure)
        except ValueError:
            raise ValueError(f"{self.measure!r} is not a way of measuring") from None
        object.__setattr__(self, "amber_band", amber)
        object.__setattr__(self, "green_band", green)
        object.__setattr__(self, "better_band", better)
        object.__setattr__(self, "measure", measure)

    @property
    def tolerance(self) -> Decimal:
        """The scheme's tolerance: how far worse than target a value may be before Red."""
        return self.amber_band

    def with_tolerance(self, tolerance: Number) -> RagRule:
        """The rule with a measure's own tolerance (KPI.rag_tolerance) as its Red threshold.

        The Green band keeps its share of the tolerance (a green band of 5% in 10% becomes
        half of the new one); a two-sided rule's better-than-target band follows it.
        """
        new = _threshold("The tolerance", tolerance)
        green = Decimal(0) if self.amber_band == 0 else self.green_band * new / self.amber_band
        better = self.better_band
        if better is not None and better == self.amber_band:
            better = new
        return replace(self, amber_band=new, green_band=green, better_band=better)

    @property
    def roles(self) -> tuple[Rag, ...]:
        """The judged roles this rule can give, worst first."""
        roles = [Rag.RED]
        if self.amber_band > self.green_band or self.trend_amber:
            roles.append(Rag.AMBER)
        roles.append(Rag.GREEN)
        if self.better_band is not None:
            roles.append(Rag.BETTER)
        return tuple(roles)


def _at_least_as_good(actual: Decimal, reference: Decimal, polarity: Polarity) -> bool:
    return actual >= reference if polarity is Polarity.HIGHER else actual <= reference


def assess(
    actual: Number | None,
    target: Number | None,
    polarity: str,
    rule: RagRule | None = None,
    *,
    data_only: bool = False,
    last_year_actual: Number | None = None,
) -> Rag:
    """The role of one value against its target under ``rule`` (Medway's by default).

    No value → NA; a data-only measure, or one with no better direction → DATA; no target for
    the period → NO_TARGET; else as :class:`RagRule` says. A zero target with a relative rule:
    any shortfall is beyond every band, any excess beyond the better-than-target band.
    """
    rule = rule or RagRule()
    pol = _polarity(polarity)
    actual_d = as_decimal(actual)
    target_d = as_decimal(target)
    last_d = as_decimal(last_year_actual)
    if actual_d is None:
        return Rag.NA
    if data_only or pol is Polarity.NONE:
        return Rag.DATA
    if target_d is None:
        return Rag.NO_TARGET
    gap = _absolute_shortfall(actual_d, target_d, pol)
    if rule.measure is Measure.POINTS:
        worse: Decimal | None = gap
    elif target_d == 0:
        worse = None  # infinitely far, on whichever side gap says
    else:
        worse = gap / abs(target_d)
    if rule.better_band is not None and gap < 0 and (worse is None or -worse > rule.better_band):
        return Rag.BETTER
    if gap <= 0:
        return Rag.GREEN
    if worse is not None and worse <= rule.green_band:
        return Rag.GREEN
    if worse is not None and worse <= rule.amber_band:
        return Rag.AMBER
    if rule.trend_amber and last_d is not None and _at_least_as_good(actual_d, last_d, pol):
        return Rag.AMBER
    return Rag.RED


def rag_status(
    actual: Number | None,
    target: Number | None,
    polarity: str,
    tolerance: Number = DEFAULT_TOLERANCE,
    data_only: bool = False,
) -> Rag:
    """Medway's rule: at or beyond the target → Green; short by at most ``tolerance``
    (relative) → Amber; else Red. No value → NA; data-only → Data; no target → No target."""
    tolerance_d = as_decimal(tolerance)
    if tolerance_d is None or tolerance_d < 0:
        raise ValueError(f"tolerance must be a non-negative number, not {tolerance!r}")
    return assess(actual, target, polarity, RagRule(amber_band=tolerance_d), data_only=data_only)


def shortfall(actual: Number | None, target: Number | None, polarity: str) -> Decimal | None:
    """Relative shortfall against the target, e.g. 68.4 vs 75 → 0.088.

    Positive when short of target, 0 on target, negative when beyond it
    (82.8 vs 75 → -0.104). None when either value is missing, the target is 0 or the
    measure has no better direction.
    """
    pol = _polarity(polarity)
    actual_d = as_decimal(actual)
    target_d = as_decimal(target)
    if actual_d is None or target_d is None or target_d == 0 or pol is Polarity.NONE:
        return None
    return _absolute_shortfall(actual_d, target_d, pol) / abs(target_d)


def _compare(current: Decimal, reference: Decimal, polarity: Polarity) -> Trend:
    if current == reference:
        return Trend.STATIC
    if polarity is Polarity.NONE:
        return Trend.UP if current > reference else Trend.DOWN
    better = current > reference if polarity is Polarity.HIGHER else current < reference
    return Trend.IMP if better else Trend.DET


def movement(current: Number | None, previous: Number | None) -> Trend:
    """Up, Down or Static, judging nothing (a measure with no better direction)."""
    return short_trend(current, previous, Polarity.NONE)


def short_trend(current: Number | None, previous: Number | None, polarity: str) -> Trend:
    """Trend since the previous period ("since last qtr"); NA if either is missing.

    A measure with no better direction gets its movement (Up/Down/Static), not a judgement.
    """
    pol = _polarity(polarity)
    current_d = as_decimal(current)
    previous_d = as_decimal(previous)
    if current_d is None or previous_d is None:
        return Trend.NA
    return _compare(current_d, previous_d, pol)


def long_trend(
    current: Number | None, previous_four: Sequence[Number | None], polarity: str
) -> Trend:
    """Trend against the average of the previous four quarters ("avg over last 4 qtrs").

    ``previous_four`` holds the values of the four quarters before the current
    one (any order; None for a missing quarter). NA when ``current`` is missing
    or fewer than four of those values are present. More than four values is a
    ``ValueError``.
    """
    pol = _polarity(polarity)
    if len(previous_four) > 4:
        raise ValueError(f"expected at most four previous values, got {len(previous_four)}")
    current_d = as_decimal(current)
    history = [d for d in (as_decimal(v) for v in previous_four) if d is not None]
    if current_d is None or len(history) < 4:
        return Trend.NA
    # Compare current with sum / 4 exactly by scaling current instead.
    return _compare(current_d * 4, sum(history, Decimal(0)), pol)


#: Every role, worst first (as a report's key and counts read).
SEVERITY: tuple[Rag, ...] = (
    Rag.RED,
    Rag.AMBER,
    Rag.GREEN,
    Rag.BETTER,
    Rag.NO_TARGET,
    Rag.DATA,
    Rag.NA,
)
#: The roles that judge a value against a target: the base of a summary's percentages.
JUDGED: frozenset[Rag] = frozenset({Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BETTER})


def worst_of(statuses: Iterable[Rag | str]) -> Rag:
    """The worst status: Red, Amber, Green, Better; else No target, Data if any; else NA."""
    present = {Rag(s) for s in statuses}
    for status in SEVERITY:
        if status in present:
            return status
    return Rag.NA


# --- Schemes: what each council calls its states ------------------------------------------


class Colour(models.TextChoices):
    """The palette a scheme's states are drawn from (GOV.UK tag colours, AA contrast)."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber (orange)"
    RED = "red", "Red"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"
    PURPLE = "purple", "Purple"


class Symbol(models.TextChoices):
    """Symbols a scheme may put beside its word (never instead of it)."""

    NONE = "", "None"
    STAR = "★", "Star ★"
    CIRCLE = "●", "Circle ●"
    TRIANGLE = "▲", "Triangle ▲"
    SQUARE = "■", "Square ■"
    DIAMOND = "◆", "Diamond ◆"
    TICK = "✓", "Tick ✓"
    CROSS = "✗", "Cross ✗"
    DASH = "–", "Dash –"


@dataclass(frozen=True)
class State:
    """How a scheme shows one role: its word, symbol, colour and the key's meaning."""

    role: Rag
    label: str
    colour: str
    meaning: str
    symbol: str = ""

    @property
    def value(self) -> str:
        return self.role.value

    @property
    def counted(self) -> bool:
        """Whether it is in the base of the summary's percentages (judged against a target)."""
        return self.role in JUDGED


@dataclass(frozen=True)
class StatusCount:
    """One state's count in a summary, with its share of the judged measures (or None)."""

    state: State
    count: int
    percent: Decimal | None

    def __iter__(self):
        """Unpacks as (role, count), as the summaries did before schemes."""
        return iter((self.state.role, self.count))


def _pct(number: Decimal) -> str:
    """0.05 → "5", 0.025 → "2.5" (for the key's words)."""
    text = f"{(number * 100).normalize():f}"
    return text


def _band(rule: RagRule, number: Decimal) -> str:
    if rule.measure is Measure.POINTS:
        return f"{number.normalize():f} point" + ("" if number == 1 else "s")
    return f"{_pct(number)}%"


@dataclass(frozen=True)
class Scheme:
    """A council's RAG scheme: the rule and how each role is named and drawn."""

    name: str
    rule: RagRule
    states: dict[Rag, State] = field(default_factory=dict)

    def state(self, role: Rag | str) -> State:
        role = Rag(role)
        found = self.states.get(role)
        if found is not None:
            return found
        return default_states(self.rule)[role]

    def assess(
        self,
        actual: Number | None,
        target: Number | None,
        polarity: str,
        *,
        tolerance: Number | None = None,
        data_only: bool = False,
        last_year_actual: Number | None = None,
    ) -> Rag:
        """The role of a value; ``tolerance`` is a measure's own (KPI.rag_tolerance)."""
        rule = self.rule if tolerance is None else self.rule.with_tolerance(tolerance)
        return assess(
            actual, target, polarity, rule, data_only=data_only, last_year_actual=last_year_actual
        )

    @property
    def roles(self) -> tuple[Rag, ...]:
        """The roles a summary always lists, worst first (No target only when it occurs)."""
        return (*self.rule.roles, Rag.DATA, Rag.NA)

    def key(self, present: Iterable[Rag] = ()) -> list[State]:
        """The key: every state the rule gives, and No target if any value has it."""
        shown = set(self.roles) | ({Rag.NO_TARGET} & set(present))
        return [self.state(role) for role in SEVERITY if role in shown]

    def counts(
        self, statuses: Iterable[Rag | str], present: Iterable[Rag] = ()
    ) -> list[StatusCount]:
        """How many of ``statuses`` each state has, with percentages of the judged ones.

        The base excludes data-only, no-target and missing values, as councils publish it.
        """
        tally: dict[Rag, int] = {}
        for status in statuses:
            role = Rag(status)
            tally[role] = tally.get(role, 0) + 1
        base = sum(n for role, n in tally.items() if role in JUDGED)
        result = []
        for state in self.key([*present, *tally]):
            count = tally.get(state.role, 0)
            percent = None
            if state.counted and base:
                percent = (Decimal(count) * 100 / base).quantize(Decimal("0.1"))
            result.append(StatusCount(state, count, percent))
        return result

    def choices(self) -> list[tuple[str, str]]:
        """(value, label) of every state, worst first, for a status filter."""
        return [(role.value, self.state(role).label) for role in SEVERITY]


def default_states(rule: RagRule) -> dict[Rag, State]:
    """Medway's words for every role, with the rule's thresholds in them."""
    worse = "below target"
    tol = _band(rule, rule.amber_band)
    if rule.green_band:
        green = f"on or close to target (no more than {_band(rule, rule.green_band)} {worse})"
        amber = (
            f"{worse} by more than {_band(rule, rule.green_band)}, up to {tol}"
            if rule.amber_band > rule.green_band
            else ""
        )
    else:
        green = "met or exceeded target"
        amber = f"slightly {worse} (within {tol})"
    red = f"significantly {worse} (more than {tol})"
    if rule.trend_amber:
        amber += (
            f"; or more than {tol} {worse} but improved or maintained against the same "
            "period last year"
        )
        red += " and worse than the same period last year"
    states = {
        Rag.GREEN: State(Rag.GREEN, "Green", Colour.GREEN, green),
        Rag.AMBER: State(Rag.AMBER, "Amber", Colour.AMBER, amber),
        Rag.RED: State(Rag.RED, "Red", Colour.RED, red),
        Rag.NO_TARGET: State(Rag.NO_TARGET, "No target", Colour.GREY, RAG_DESCRIPTIONS["notarget"]),
        Rag.DATA: State(Rag.DATA, "Data", Colour.BLUE, RAG_DESCRIPTIONS["data"]),
        Rag.NA: State(Rag.NA, "NA", Colour.GREY, RAG_DESCRIPTIONS["na"]),
    }
    if rule.better_band is not None:
        band = _band(rule, rule.better_band)
        states[Rag.BETTER] = State(
            Rag.BETTER,
            "Better",
            Colour.BLUE,
            f"significantly better than target (more than {band})",
        )
    else:
        states[Rag.BETTER] = State(Rag.BETTER, "Better", Colour.BLUE, RAG_DESCRIPTIONS["better"])
    return states


def _preset(name: str, rule: RagRule, **labels: tuple[str, str, str]) -> Scheme:
    """A built-in scheme: Medway's words unless ``labels`` gives a role (label, colour, meaning)."""
    states = default_states(rule)
    for role, (label, colour, meaning) in labels.items():
        states[Rag(role)] = State(Rag(role), label, colour, meaning)
    return Scheme(name, rule, states)


def _two_sided() -> Scheme:
    rule = RagRule(
        amber_band=DEFAULT_TOLERANCE, green_band=DEFAULT_TOLERANCE, better_band=DEFAULT_TOLERANCE
    )
    return _preset(
        "two_sided",
        rule,
        better=("Better", Colour.BLUE, "significantly better than target (beyond 5%)"),
        green=("On target", Colour.GREEN, "on target, within tolerance (5% either side)"),
        red=("Worse", Colour.RED, "significantly worse than target (beyond 5%)"),
    )


#: The built-in schemes, selectable by name (Medway's is the default).
PRESETS: dict[str, Scheme] = {
    "medway": _preset("medway", RagRule()),
    "green_band": _preset(
        "green_band", RagRule(amber_band=Decimal("0.10"), green_band=DEFAULT_TOLERANCE)
    ),
    "two_sided": _two_sided(),
    "trend": _preset("trend", RagRule(amber_band=Decimal("0.10"), trend_amber=True)),
    "points": _preset("points", RagRule(amber_band=Decimal(3), measure=Measure.POINTS)),
}
PRESET_CHOICES: list[tuple[str, str]] = [
    ("medway", "Medway: Green at target, Amber up to 5% worse, Red beyond"),
    ("green_band", "Green band: Green up to 5% worse, Amber 5-10%, Red beyond"),
    ("two_sided", "Two-sided: significantly better / within tolerance / significantly worse"),
    ("trend", "Trend-dependent Amber: beyond 10% Amber if no worse than last year, else Red"),
    ("points", "Percentage points: Amber up to 3 points below target, Red beyond"),
]


def medway(tolerance: Number = DEFAULT_TOLERANCE) -> Scheme:
    """Medway's scheme with ``tolerance`` (a council's default; 5% unless it says otherwise)."""
    rule = RagRule(amber_band=as_decimal(tolerance))
    return Scheme("medway", rule, default_states(rule))
