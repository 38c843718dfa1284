"""Alembic's entry point for the class database: runs migrations on the engine `store.migrate` passes in.

Leaves out the migrations themselves (see `versions/`) and any command-line use (there is no
alembic.ini: the app migrates itself on first use).
"""

from alembic import context

from explain.live_class.schema import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
