"""Whether the browser session that started a background job is still connected."""

from __future__ import annotations

from collections.abc import Callable


def alive_check() -> Callable[[], bool] | None:
    """A thread-safe 'is this browser session still connected?' (None outside a real server, e.g. AppTest).

    Background jobs (training, fine-tuning, distillation; see explain/core/jobs.py) poll it so that a
    closed tab stops its run.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if not Runtime.exists() or ctx is None:
        return None
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)
