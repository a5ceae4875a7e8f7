"""Column types the store needs beyond SQLAlchemy's own.

Money and quantities must come back as the very Decimal that went in. PostgreSQL's NUMERIC (no
precision given) keeps value and scale exactly; SQLite has no exact decimal type (its NUMERIC
affinity turns values into floats), so there the value is kept as fixed-point text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Numeric, Text
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact Decimal: NUMERIC on PostgreSQL (and other servers), fixed-point TEXT on SQLite.

    On SQLite the text has no exponent and keeps the scale (`250.00` stays `250.00`), which is
    what PostgreSQL's NUMERIC returns too, so both backends give back identical Decimals. Migrations
    refer to this class: changing how it stores values needs a data migration.
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(value)
