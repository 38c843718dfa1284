"""A fine-tuning run in a background thread that a page can poll: load, train, compare, save.

The thread never touches the UI. It writes its state (phase, loss history, answers) under a
lock; `snapshot()` hands the page a copy. The run stops on request, when the browser session is
gone (or, without a liveness check, nobody polled for `stale_seconds`), or after `max_seconds`. `on_finish` runs once at
the end whatever happens (the page releases its server-wide slot there). The same job can skip
training and load saved adapters instead, to compare them again. Leaves out the training
itself (see `finetune/lora.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from explain.finetune.lora import FinetuneConfig, LoraFinetuner, compare_answers, load_finetuned, saved_history

PHASES = ("waiting", "loading", "training", "comparing", "done", "stopped", "error")


@dataclass
class JobSpec:
    config: FinetuneConfig  # the run's settings
    train: list  # training dialogues (ignored when `adapter` is set)
    compare: list  # held-out dialogues whose first question both models answer
    adapter: str = ""  # a saved adapter to load instead of training
    save_as: str = ""  # name to save the adapters under after training ("" = do not save)
    answer_tokens: int = 40  # bound on each compared answer
    max_seconds: float = 900.0  # hard cap on the whole run
    stale_seconds: float = 60.0  # stop when the page has not polled for this long (when `alive` is None)
    alive: Callable[[], bool] | None = None  # thread-safe "is the browser session still connected?"


class FinetuneJob:
    def __init__(self, spec: JobSpec, on_finish: Callable[[], None] = lambda: None) -> None:
        self.spec = spec
        self.on_finish = on_finish
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.state = {"phase": "waiting", "history": [], "rows": [], "error": "", "saved": "", "model": {}}
        self.started = time.monotonic()
        self.last_poll = time.monotonic()
        self.thread = threading.Thread(target=self._work, daemon=True, name="finetune-job")

    def start(self) -> FinetuneJob:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    def running(self) -> bool:
        return self.thread.is_alive()

    def snapshot(self) -> dict:
        """A copy of the state for the page; also the heartbeat that keeps the run alive."""
        self.last_poll = time.monotonic()
        with self.lock:
            return {k: list(v) if isinstance(v, list) else v for k, v in self.state.items()}

    def _set(self, **values) -> None:
        with self.lock:
            self.state.update(values)

    def _should_stop(self) -> bool:
        now = time.monotonic()
        if self.spec.alive is not None:
            stale = not self.spec.alive()
        else:
            stale = now - self.last_poll > self.spec.stale_seconds
        return self.stop_event.is_set() or stale or now - self.started > self.spec.max_seconds

    def _on_step(self, tuner: LoraFinetuner, record) -> None:
        with self.lock:
            self.state["history"].append(record.as_dict())

    def _work(self) -> None:
        try:
            self._set(phase="loading")
            spec = self.spec
            if spec.adapter:  # show the saved run's loss curve, then compare
                tuner = load_finetuned(spec.adapter, spec.config.device, spec.config.dtype)
                self._set(history=saved_history(spec.adapter), saved=spec.adapter)
            else:
                tuner = LoraFinetuner.create(spec.config, spec.train)
            model = {"device": tuner.lm.device, "dtype": tuner.lm.dtype_name, **tuner.parameter_counts()}
            self._set(model=model, phase="training")
            reason = "done"
            if not spec.adapter:
                tuner.add_callback("on_step", self._on_step)
                reason = tuner.run(self._should_stop)
                if spec.save_as and tuner.history:
                    self._set(saved=str(tuner.save(spec.save_as)))
            self._set(phase="comparing")
            for dialogue in spec.compare:
                if self.stop_event.is_set():
                    reason = "stopped"
                    break
                row = compare_answers(tuner, [dialogue], spec.answer_tokens)[0]
                with self.lock:
                    self.state["rows"].append(row)
            self._set(phase=reason)
        except Exception as exc:  # shown on the page as a message, never a traceback
            self._set(phase="error", error=f"{type(exc).__name__}: {exc}")
        finally:
            self.on_finish()
