"""The API's request and response bodies (pydantic lives here, at the edge, and nowhere else).

Inputs only check shape (types, required fields, no unknown ones); what a value may be is then
checked by the book's own validation (`trimtab.edits`), so the service is as strict as
the book. Money and quantities travel as decimal strings: JSON numbers would round them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from trimtab.names import AccountKind, FilingStatus, LotMethod, Rule
from trimtab.store.access import Role

T = TypeVar("T")


def _storable(text: str) -> str:
    """Text every database can hold: no NUL character, valid Unicode."""
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode text") from None
    return text


Text = Annotated[str, AfterValidator(_storable)]
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
Number = Decimal | int


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Out, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


# --- users and credentials ---


class LoginIn(In):
    username: Text
    password: Text
    name: Text = Field("api", description="A label for the token")


class TokenIn(In):
    name: Text


class TokenOut(Out):
    token_id: int
    name: str
    kind: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(Out):
    token: str = Field(description="The secret: shown once, send as `Authorization: Bearer`")
    token_id: int
    name: str


class UserIn(In):
    username: Id
    password: Annotated[Text, Field(min_length=8, max_length=1000)]
    role: Role


class UserPatch(In):
    active: bool | None = None
    role: Role | None = None
    password: Annotated[Text, Field(min_length=8, max_length=1000)] | None = None


class UserOut(Out):
    user_id: int
    username: str
    role: Role
    active: bool
    created_at: datetime


class Me(UserOut):
    csrf_token: str | None = Field(None, description="For changes made with the session cookie")
    households: list[str] | None = Field(None, description="An advisor's assigned households")


class AssignmentIn(In):
    household_ids: list[Id]


class SettingsDoc(In):
    toml: Text = Field(description="The book's settings as trimtab.toml text")


# --- the book ---


class HouseholdFields(In):
    name: Text | None = None
    st_rate: Number | None = None
    lt_rate: Number | None = None
    model_id: Text | None = None
    gain_budget: Number | None = None
    tax_budget: Number | None = None
    realized_st_ytd: Number | None = None
    realized_lt_ytd: Number | None = None
    loss_carryforward_st: Number | None = None
    loss_carryforward_lt: Number | None = None
    filing_status: FilingStatus | None = None


class HouseholdIn(HouseholdFields):
    household_id: Id


class HouseholdOut(Out):
    household_id: str
    name: str
    st_rate: Decimal
    lt_rate: Decimal
    model_id: str | None
    gain_budget: Decimal | None
    tax_budget: Decimal | None
    realized_st_ytd: Decimal
    realized_lt_ytd: Decimal
    loss_carryforward_st: Decimal
    loss_carryforward_lt: Decimal
    filing_status: FilingStatus


class HouseholdRow(HouseholdOut):
    accounts: int


class AccountFields(In):
    model_id: Text | None = None
    cash: Number | None = None
    cash_reserve: Number | None = None
    min_trade: Number | None = None
    fractional: bool | None = None
    lot_method: LotMethod | None = None
    managed: bool | None = None


class AccountIn(AccountFields):
    account_id: Id
    household_id: Id
    kind: AccountKind


class AccountOut(Out):
    account_id: str
    household_id: str
    kind: AccountKind
    model_id: str | None
    cash: Decimal
    cash_reserve: Decimal
    min_trade: Decimal
    fractional: bool
    lot_method: LotMethod
    managed: bool


class LotIn(In):
    lot_id: Id
    account_id: Id
    symbol: Id
    quantity: Number
    cost_basis: Number
    acquired: date


class LotOut(Out):
    lot_id: str
    account_id: str
    symbol: str
    quantity: Decimal
    cost_basis: Decimal
    acquired: date


class Component(Out):
    component: Id
    weight: Number


class ModelIn(In):
    components: Annotated[list[Component], Field(min_length=1, max_length=1000)]


class ModelOut(Out):
    model_id: str
    components: list[Component]
    targets: dict[str, Decimal] = Field(description="Flattened weights by symbol, CASH included")


class AlternateIn(In):
    symbol: Id
    alternate: Id
    model_id: Text | None = None
    rank: int | None = Field(None, ge=1, le=1_000_000)
    one_way: bool | None = None


class AlternateOut(Out):
    id: int
    symbol: str
    alternate: str
    model_id: str | None
    rank: int
    one_way: bool


class RestrictionIn(In):
    scope: Id
    target: Id
    rule: Rule


class RestrictionOut(Out):
    id: int
    scope: str
    target: str
    rule: Rule


class CashRequestIn(In):
    scope: Id
    amount: Number = Field(description="USD: > 0 a deposit, < 0 a withdrawal")


class CashRequestOut(Out):
    id: int
    scope: str
    amount: Decimal


class HouseholdDetail(Out):
    household: HouseholdOut
    advisors: list[str]
    accounts: list[AccountOut]
    restrictions: list[RestrictionOut]
    cash_requests: list[CashRequestOut]


class ModelDetail(ModelOut):
    accounts: Page[AccountOut]


# --- analysis ---


class WhatIfIn(In):
    cash_requests: Annotated[list[CashRequestIn], Field(max_length=100)] = []
    restrictions: Annotated[list[RestrictionIn], Field(max_length=100)] = []
    method: Literal["optimize", "baseline"] = "optimize"


class FrontierPointOut(Out):
    tax_weight: float | None = Field(description="None: no net realized gain allowed")
    est_tax: Decimal = Field(description="USD")
    realized_gain: Decimal = Field(description="USD, net")
    tracking_error: float | None = Field(description="annual, fraction")
    drift: float | None = Field(description="fraction, as drift_after")
    traded: Decimal = Field(description="USD")
    feasible: bool
    reasons: list[str]


class TaxReport(Out):
    household_id: str
    year: int
    summary: dict[str, Any]
    realized: list[dict[str, Any]]
    open_lots: list[LotOut]


# --- the daily run: queue, decisions, runs, orders, audit ---


class QueueRow(Out):
    proposal_id: int
    run_id: int
    as_of: date
    household_id: str
    name: str | None = Field(description="The household's name")
    advisors: list[str]
    state: str = Field(description="proposed, approved, rejected or released")
    status: str = Field(description="trade, no_trade, exception or quiet")
    screen: str
    value: Decimal = Field(description="USD")
    est_tax: Decimal = Field(description="USD")
    baseline_tax: Decimal | None
    trades: int
    exceptions: int
    rules: list[str] = Field(description="The exception rules that fired")
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    release_id: int | None


class ExceptionOut(Out):
    account_id: str | None
    rule: str
    message: str
    measure: float | None


class ProposalOut(QueueRow):
    current: bool = Field(description="Still the household's current proposal for its day")
    exceptions_list: list[ExceptionOut]
    payload: dict[str, Any] = Field(description="The proposal: trades with reasons, metrics")


class DecisionIn(In):
    note: Annotated[Text, Field(max_length=2000)] | None = None


class RunIn(In):
    as_of: date | None = None
    method: Literal["optimize", "baseline"] = "optimize"


class JobOut(Out):
    job_id: int
    actor: str
    state: str = Field(description="running, done or failed")
    total: int | None = Field(description="Households to propose for (once known)")
    done: int
    run_id: int | None
    error: str | None


class RunOut(Out):
    run_id: int
    as_of: date
    started_at: datetime
    finished_at: datetime | None
    actor: str
    status: str
    executor: str
    method: str
    summary: dict[str, Any] | None
    proposed: int | None = None


class AllocationOut(Out):
    account_id: str
    quantity: Decimal


class OrderOut(Out):
    symbol: str
    side: str
    quantity: Decimal
    price: Decimal
    value: Decimal
    allocations: list[AllocationOut]


class ReleaseOut(Out):
    release_id: int
    proposals: list[int]
    orders: list[OrderOut]


FeedFile = Literal[
    "prices.csv",
    "transactions.csv",
    "cash.csv",
    "cash_flows.csv",
    "models.csv",
    "restrictions.csv",
    "custodian_positions.csv",
]
"""The files a day's feed may carry (trimtab.workflow.feed_read.FEED_FILES)."""


class FeedIn(In):
    as_of: date | None = Field(None, description="The feed's day (default: the stored book's)")
    files: dict[FeedFile, Annotated[Text, Field(max_length=50_000_000)]] = Field(
        min_length=1, description="File name to its CSV text, with the book's columns and header"
    )


class BreakOut(Out):
    account_id: str
    household_id: str
    symbol: str
    store_quantity: Decimal = Field(description="shares the store derives")
    custodian_quantity: Decimal = Field(description="shares the custodian reports")
    value: Decimal = Field(description="USD, |difference| x price")


class FeedOut(Out):
    feed_id: int
    as_of: date
    counts: dict[str, int] = Field(description="Rows applied per file")
    changed_models: list[str]
    breaks: list[BreakOut] = Field(description="Reconciliation breaks, largest first")


class FeedRow(Out):
    feed_id: int
    received_at: datetime
    actor: str
    as_of: date
    counts: dict[str, int]


class EventOut(Out):
    event_id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: Any
