"""Alembic environment for trimtab's packaged migrations.

`trimtab.store.engine.upgrade` passes its engine in `config.attributes["engine"]`; run without
one (say `command.revision(alembic_config(), autogenerate=True)` in development), the database
is `sqlalchemy.url` from the config, else `default_url()`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.exc import OperationalError

from trimtab.store.engine import WRITER_OPTION, busy_error, lock_for_writing, make_engine
from trimtab.store.tables import metadata

config = context.config


def _run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        connection.execution_options(**{WRITER_OPTION: True})
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            user_module_prefix="trimtab.store.types.",
        )
        with context.begin_transaction():
            try:
                lock_for_writing(connection)  # two upgrades at once: the second finds it done
            except OperationalError as exc:
                raise busy_error(exc) from exc
            context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
