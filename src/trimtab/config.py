"""Book settings (`trimtab.toml`): explicit, typed, serialisable, every key documented.

Each section is a frozen dataclass; the loader walks the dataclasses so an unknown key or a value
of the wrong type is reported (file, key) instead of passing silently. Later subsystems add their
own section here and document it in docs/settings.md.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from trimtab.errors import Problem
from trimtab.names import TaxCharacter

FILE = "trimtab.toml"


@dataclass(frozen=True, slots=True)
class TaxSettings:
    """Tax-engine options. Rates are fractions."""

    niit: bool = False
    """Add the 3.8% net investment income tax to estimated tax on gains."""
    niit_rate: float = 0.038


@dataclass(frozen=True, slots=True)
class CostSettings:
    """Trading-cost assumptions used to estimate `est_cost` and, later, in the objective."""

    bps: float = 5.0
    """Default one-way cost of a trade, in basis points of traded value (spread + commission)."""


@dataclass(frozen=True, slots=True)
class OptimizerSettings:
    """Weights and defaults of the objective (docs/optimizer.md gives the formulation).

    Every term is in USD per USD of the value being optimized, so the weights compare directly.
    """

    risk_aversion: float = 100.0
    """lambda_risk: cost per unit of annual active variance against the model."""
    drift_penalty: float = 0.1
    """lambda_drift: cost per unit of drift (half the L1 distance of weights, cash included)."""
    loss_deferral: float = 0.5
    """d: a harvested loss is worth (rate - d * lt_rate) per USD, since it lowers the basis and
    so defers tax rather than erasing it; d is the present value of that future tax."""
    wait_days: int = 366
    """A short-term gain lot that turns long-term within this many days (default: any) carries
    the value of waiting to sell it (docs/optimizer.md, "The value of waiting")."""
    wait_penalty: float = 1.0
    """That value in multiples of the tax waiting saves ((st - lt) x gain, less the carry)."""
    wait_carry_cost: float = 0.02
    """Cost of keeping a USD off model for a year while a lot waits to turn long-term (USD per
    USD per year): the discount on the tax waiting saves."""
    dust_usd: float = 5.0
    """Trades worth less than this (USD) are dropped, whatever the account's min_trade."""
    min_improvement: float = 0.0005
    """Trade only when the objective improves by at least this fraction of account value."""
    screen_max_tax: float | None = None
    """When set, an excluded lot whose sale would cost more tax than this fraction of its value
    is held (never added to) instead of sold; None sells every excluded lot."""
    risk_factors: int = 0
    """0: the risk model estimated from price history is the dense Ledoit-Wolf covariance. k > 0:
    it is put in factor form, one factor per asset class plus the k strongest components of what
    the classes leave, every variance kept: a sparser, faster solve of direct-indexed accounts,
    at a tracking error within about 1.3% (median) of the dense estimate's for k = 10."""
    substitute_min_correlation: float = 0.90
    """Without a declaration (alternates.csv), a security is a substitute for a model security
    only when both are estimated from the book's price history, share an asset class, and their
    measured return correlation is at least this."""
    substitute_credit: float = 0.8
    """Share of the drift penalty waived for holding a measured substitute in place of a model
    security (declared alternates and wash-group members count as the model security in full)."""
    swap_back_max_gain: float = 0.01
    """A stand-in returns to its model security once the wash window allows, when selling it
    realizes a loss or a gain of at most this fraction of the lot's value."""
    household: bool = True
    """Manage a household with a model_id as one portfolio (False: account by account)."""
    tax_weight: float = 1.0
    """Scale of the tax term: 1 counts taxes as estimated, 0 ignores them (the frontier varies
    it)."""


@dataclass(frozen=True, slots=True)
class AssetClassAssumption:
    """What asset location needs to know of an asset class (fractions per year).

    `character` is the tax character of its income: `ordinary` (bond interest, REIT dividends),
    `qualified` (qualified dividends, taxed at the long-term rate) or `tax_exempt` (municipal).
    """

    expected_return: float = 0.07
    income_yield: float = 0.02
    character: TaxCharacter = TaxCharacter.QUALIFIED


@dataclass(frozen=True, slots=True)
class LocationSettings:
    """Asset location: the yearly tax drag of holding each class in each account kind.

    See docs/household.md. `classes` overrides the built-in assumptions per asset class name.
    """

    years: float = 5.0
    """Years of tax drag the objective counts (a one-time trade cost against a yearly drag)."""
    growth_realization: float = 0.1
    """Share of a year's capital growth realized (and taxed long-term) in a taxable account."""
    roth_withdrawal_cost: float = 0.10
    """Cost per USD withdrawn from a tax_exempt account: the tax-free growth given up."""
    classes: dict[str, AssetClassAssumption] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreenSettings:
    """Which households the daily run solves (docs/daily-run.md); the others stay quiet.

    A household is solved when any trigger fires; a threshold of None turns its trigger off.
    """

    enabled: bool = True
    """False solves every household every day."""
    drift: float | None = 0.03
    """An account's drift (fraction of value) above this."""
    cash_usd: float | None = 1000.0
    """Cash above reserve plus the model's cash weight (or below the reserve) by more than this
    (USD), or any pending cash request."""
    loss_usd: float | None = 1000.0
    """A taxable lot whose unrealized loss exceeds this (USD)."""
    restrictions: bool = True
    """A holding that breaks a restriction (an excluded security is held)."""
    model_change: bool = True
    """A model the household follows changed since its last solved proposal."""
    review_days: int | None = 30
    """Days since the household's last solved proposal."""
    new_households: bool = True
    """A household never solved before is due (trigger `review`)."""


EXCEPTION_RULES: tuple[str, ...] = ("turnover", "gain_budget", "drift_after", "stale_price",
    "cash_reserve", "reconciliation", "infeasible", "wash_sale", "large_trade")  # fmt: skip
"""The exception rules `[exceptions] disabled` may name (trimtab.workflow.rules.RULES)."""


@dataclass(frozen=True, slots=True)
class ExceptionSettings:
    """Thresholds of the named exception rules (docs/daily-run.md).

    `disabled` turns rules off by name (TOML has no null); from Python a threshold of None (a
    flag of False) turns its rule off too, except `drift_after`, whose None means the bands'.
    """

    disabled: tuple[str, ...] = ()
    """Rules turned off, by name (`EXCEPTION_RULES`), e.g. `["turnover", "large_trade"]`."""

    turnover: float | None = 0.25
    """Turnover (fraction of value) above this in an account worth at least `large_account_usd`."""
    large_account_usd: float = 1_000_000.0
    gain_budget: bool = True
    """Proposed net realized gains that take the household over its gain or tax budget."""
    drift_after: float | None = None
    """An override: flag drift after trading above this (fraction of value) in accounts without
    a `drift_tolerance` of their own. None: the tolerance of the bands (`[bands.models.ID]`, else
    `[bands] drift_tolerance`), so only a proposal that misses its own band is flagged."""
    stale_price_days: int | None = 5
    """A held or traded security whose last price is older than this many days."""
    cash_reserve: bool = True
    """Cash after trading below the account's reserve."""
    reconciliation: bool = True
    """A reconciliation break on one of the household's accounts."""
    wash_sale: bool = True
    """A trade that would create a wash sale (buy within 30 days of a loss sale, or the reverse)."""
    wash_sale_min_loss_usd: float = 100.0
    """A loss sale inside a wash-sale window is flagged only when its loss (USD: what the wash
    sale defers into the replacement's basis) is at least this: trimming a lot bought days ago
    at a few dollars' loss, as a model change does, is not worth a look. Buys are always flagged."""
    large_trade_usd: float | None = 250_000.0
    """One trade worth more than this (USD)."""
    large_trade_share: float | None = 0.5
    """One trade worth more than this fraction of its account's value."""


@dataclass(frozen=True, slots=True)
class WorkflowSettings:
    """The daily run's policies (docs/daily-run.md)."""

    auto_approve: bool = False
    """Approve, as actor `auto-approve`, every proposal that trades and has no exception."""
    compare_baseline: bool = True
    """Also run the baseline method on solved households, to report tax saved against it."""
    chunk_size: int = 50
    """Households per task sent to a worker."""


@dataclass(frozen=True, slots=True)
class ModelBands:
    """A model's own bands (`[bands.models.ID]`, docs/settings.md); None: the book-wide value."""

    drift_tolerance: float | None = None
    class_band: float | None = None
    classes: dict[str, float] = field(default_factory=dict)
    tracking_error: float | None = None


@dataclass(frozen=True, slots=True)
class BandSettings:
    """Tolerance bands set by the desk: hard limits on where the optimizer may leave an account.

    Fractions of value. The optimizer meets them when the tax limits (gain and tax budgets,
    no_sell, wash-sale blocks) allow; when they do not, it does the best it can within those
    limits and flags an exception naming the limit that binds (docs/optimizer.md, "Bands").
    """

    drift_tolerance: float = 0.10
    """Largest drift after trading (half the L1 distance to target, cash included) for an account
    or household that states no `drift_tolerance` of its own."""
    class_band: float | None = 0.05
    """Largest distance, either way, of an asset class's weight from its target weight."""
    classes: dict[str, float] = field(default_factory=dict)
    """Per asset class band overriding `class_band` (e.g. `us_bond = 0.03`)."""
    tracking_error: float | None = None
    """Largest ex-ante annual tracking error against the target (None: no cap)."""
    rounding_margin: float = 0.002
    """The solve aims this far inside each band so that rounding to shares stays within it."""
    models: dict[str, ModelBands] = field(default_factory=dict)
    """Overrides per model id (`[bands.models.GROWTH_60]`)."""


@dataclass(frozen=True, slots=True)
class ModelChangeSettings:
    """How a book says that models changed (docs/settings.md, `[model_change]`)."""

    models: tuple[str, ...] = ()
    """Model ids whose weights changed since their accounts' last proposal: trades that move an
    account following one of them toward its target say `model_change` instead of `drift`."""


@dataclass(frozen=True, slots=True)
class Settings:
    """All book settings. `as_of` None means: the date given on the command line, else today."""

    as_of: date | None = None
    tax: TaxSettings = field(default_factory=TaxSettings)
    costs: CostSettings = field(default_factory=CostSettings)
    optimizer: OptimizerSettings = field(default_factory=OptimizerSettings)
    location: LocationSettings = field(default_factory=LocationSettings)
    bands: BandSettings = field(default_factory=BandSettings)
    model_change: ModelChangeSettings = field(default_factory=ModelChangeSettings)
    screen: ScreenSettings = field(default_factory=ScreenSettings)
    exceptions: ExceptionSettings = field(default_factory=ExceptionSettings)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)


def parse_settings(data: dict[str, Any], file: str = FILE) -> tuple[Settings, list[Problem]]:
    """Settings from parsed TOML; unknown keys and wrong types become problems (defaults kept)."""
    problems: list[Problem] = []
    settings = _build(Settings, data, "", file, problems)
    problems += _rule_problems(settings.exceptions.disabled, file)
    return settings, problems


def _rule_problems(disabled: tuple[str, ...], file: str) -> list[Problem]:
    """A name in `[exceptions] disabled` that is no rule (or is `error`, never turned off)."""
    out = []
    for name in disabled:
        if name == "error":
            message = "rule `error` cannot be disabled: it marks a household that failed"
        elif name not in EXCEPTION_RULES:
            message = f"unknown rule {name!r}; the rules are {', '.join(EXCEPTION_RULES)}"
        else:
            continue
        out.append(Problem(file, None, "exceptions.disabled", message))
    return out


def read_settings(path: Path) -> tuple[Settings, list[Problem]]:
    """Read `trimtab.toml` from a path; a missing file means defaults."""
    if not path.exists():
        return Settings(), []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM, as editors write
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Settings(), [Problem(path.name, None, None, f"not valid TOML: {exc}")]
    return parse_settings(data, path.name)


def settings_to_dict(settings: Any, defaults: Any = None, *, full: bool = False) -> dict[str, Any]:
    """The keys that differ from the defaults (every key when `full`), as a TOML-ready dict."""
    defaults = defaults if defaults is not None else type(settings)()
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value, default = getattr(settings, f.name), getattr(defaults, f.name)
        if full and not dataclasses.is_dataclass(value):
            if value is not None and value != {}:
                out[f.name] = value
            continue
        if dataclasses.is_dataclass(value):
            sub = settings_to_dict(value, default)
            if sub:
                out[f.name] = sub
        elif isinstance(value, dict):
            if value:
                out[f.name] = {
                    k: settings_to_dict(v, type(v)(), full=True)
                    if dataclasses.is_dataclass(v)
                    else v
                    for k, v in value.items()
                }
        elif value != default and value is not None:
            out[f.name] = value
    return out


def dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Minimal TOML writer for settings: a table's scalars, then its sub-tables, recursively."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table in tables:
        inner = dump_toml(table, f"{prefix}{name}.").rstrip("\n")
        if any(not isinstance(v, dict) for v in table.values()):
            lines += ["", f"[{prefix}{name}]", inner]
        else:  # only sub-tables: no header of its own
            lines += ["", inner]
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return f'"{value.value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _build(cls: type, data: Any, prefix: str, file: str, problems: list[Problem]) -> Any:
    if not isinstance(data, dict):
        problems.append(Problem(file, None, prefix.rstrip("."), "expected a table"))
        return cls()
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        where = prefix + key
        if key not in names:
            problems.append(Problem(file, None, where, "unknown setting"))
            continue
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            kwargs[key] = _build(hint, value, where + ".", file, problems)
            continue
        if typing.get_origin(hint) is dict:
            item = typing.get_args(hint)[1]
            if not isinstance(value, dict):
                problems.append(Problem(file, None, where, "expected a table"))
                continue
            kwargs[key] = _build_map(item, value, where, file, problems)
            continue
        try:
            kwargs[key] = _coerce(value, hint)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(file, None, where, str(exc)))
    return cls(**kwargs)


def _build_map(
    item: Any, value: dict[str, Any], where: str, file: str, problems: list[Problem]
) -> dict[str, Any]:
    """A table of sub-tables (dataclass items) or of scalars (`[bands.classes]`)."""
    if dataclasses.is_dataclass(item):
        return {k: _build(item, v, f"{where}.{k}.", file, problems) for k, v in value.items()}
    out = {}
    for k, v in value.items():
        try:
            out[k] = _coerce(v, item)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(file, None, f"{where}.{k}", str(exc)))
    return out


def _coerce(value: Any, hint: Any) -> Any:
    """Check a TOML value against a field's type; ints widen to float, ISO text becomes a date."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is type(None):
            continue
        origin = typing.get_origin(option)
        if origin is tuple and isinstance(value, list):
            (item,) = typing.get_args(option)[:1]
            return tuple(_coerce(v, item) for v in value)
        if option is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if option is date and isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}") from None
        if option is date and isinstance(value, date):
            return value
        if option in (int, str, bool) and type(value) is option:
            return value
        if isinstance(option, type) and issubclass(option, StrEnum) and isinstance(value, str):
            allowed = ", ".join(m.value for m in option)
            if value not in allowed.split(", "):
                raise ValueError(f"expected one of {allowed}, got {value!r}")
            return option(value)
    raise ValueError(f"expected {_type_name(hint)}, got {value!r}")


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
