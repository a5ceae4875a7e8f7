"""Run one pure task over chunks: in this process, on a local process pool, or on Dask.

`executor(...)` picks one; every executor yields (chunk index, result) pairs as chunks finish,
so callers store results as they come and the order of completion never changes the results.
"""

from trimtab.batch.executors import (
    BATCH_CONFIG,
    DaskExecutor,
    Executor,
    PoolExecutor,
    SequentialExecutor,
    make,
)

__all__ = ["BATCH_CONFIG", "DaskExecutor", "Executor", "PoolExecutor", "SequentialExecutor", "make"]
