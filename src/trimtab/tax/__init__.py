"""The tax engine: holding periods, lot relief, wash sales, the realized-gain ledger, tax costs.

Every tax number trimtab shows a client or an optimizer comes from here; the rules and their
sources are in docs/tax.md.
"""

from trimtab.tax.costs import LotArrays, LotTax, WashBlocks, sale_tax, wash_blocks
from trimtab.tax.holding import is_long_term, long_term_from, term_of
from trimtab.tax.ledger import Disposition, Ledger, Purchase, replay
from trimtab.tax.relief import RELIEF, relieve

__all__ = [
    "RELIEF",
    "Disposition",
    "Ledger",
    "LotArrays",
    "LotTax",
    "Purchase",
    "WashBlocks",
    "is_long_term",
    "long_term_from",
    "relieve",
    "replay",
    "sale_tax",
    "term_of",
    "wash_blocks",
]
