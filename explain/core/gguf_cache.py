"""Turning SmolLM2's GGUF file into a safetensors copy once, so later starts take a second.

Dequantizing the GGUF costs ~20 s per process (mostly parsing its metadata);
reloading the safetensors copy takes ~0.3 s (`core/fast_load.py`). The copy lives in the cache folder,
is written to a temporary folder and renamed into place (never half-written),
and carries a manifest of file sizes and SHA-256 checksums, so a partial or corrupt
copy (even one overwritten at the same size) is detected and rebuilt instead of
served. A fresh process re-hashes only files whose size, time or inode changed since the
last full check (`is_complete_stamped`). A temporary folder left by a killed conversion is removed at the next start.
Leaves out choosing device and dtype.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from explain.core.cache import remove_leftovers
from explain.core.paths import cache_subdir

MANIFEST = "llm-explainer-manifest.json"
EXPECTED_CONVERT_SECONDS = 20.0  # measured on 2 CPU cores; used only for the progress estimate

Progress = Callable[[float, str], None]  # (fraction 0..1, message)


def converted_dir(name: str) -> Path:
    return cache_subdir("models") / name


def checksum(path: Path) -> str:
    """SHA-256 of a file, read in 4 MB blocks (about 1 s for SmolLM2's 540 MB of weights)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def is_complete(folder: Path, source: Path) -> bool:
    """True when `folder` holds a finished conversion of `source`, every file at its recorded size and checksum."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest["source_size"] != source.stat().st_size or set(manifest["sha256"]) != set(manifest["files"]):
            return False
        if any((folder / f).stat().st_size != size for f, size in manifest["files"].items()):
            return False
        return all(checksum(folder / f) == digest for f, digest in manifest["sha256"].items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


VERIFIED = "llm-explainer-verified.json"  # (size, mtime, inode) of each file when last hashed in full
SETTLED_SECONDS = 2.0  # a file changed less than this before its hashing may change again unseen (git's "racy" case)


def _stamps(folder: Path, names) -> dict:
    return {n: [(st := (folder / n).stat()).st_size, st.st_mtime_ns, st.st_ino] for n in sorted(names)}


def is_complete_stamped(folder: Path, source: Path) -> bool:
    """`is_complete`, but a fresh process skips hashing (~1-3 s for 540 MB on 2 cores) when every file
    still has the size, modification time and inode it had when last hashed in full; any write to a file
    changes its time, so a damaged copy is still hashed and caught. Stamps are recorded only for files
    older than SETTLED_SECONDS, so a write in the same clock tick as the hashing cannot hide."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest["source_size"] == source.stat().st_size:
            recorded = json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
            if recorded == json.loads(json.dumps(_stamps(folder, [*manifest["files"], MANIFEST]))):
                return True
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    if not is_complete(folder, source):
        return False
    try:
        stamps = _stamps(folder, [*json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"], MANIFEST])
        if all(time.time_ns() - mtime > SETTLED_SECONDS * 1e9 for _, mtime, _ in stamps.values()):
            (folder / VERIFIED).write_text(json.dumps(stamps), encoding="utf-8")
    except (OSError, ValueError, KeyError):
        pass  # a read-only cache: hash again next time
    return True


_VERIFIED: set[tuple] = set()  # (folder, source, manifest mtime and size, source size) found complete here


def is_complete_once(folder: Path, source: Path) -> bool:
    """`is_complete`, but the files are hashed only the first time in this process; later calls cost
    two `stat`s (a new manifest or a different source is checked in full again). Pages ask on every
    rerun: hashing 540 MB each time was half a server's CPU under a class."""
    try:
        manifest = (folder / MANIFEST).stat()
        stamp = (str(folder), str(source), manifest.st_mtime_ns, manifest.st_size, source.stat().st_size)
    except OSError:
        return False
    if stamp in _VERIFIED:
        return True
    complete = is_complete_stamped(folder, source)
    if complete:
        _VERIFIED.add(stamp)
    return complete


def _convert(source: Path, target: Path) -> None:
    """Dequantize `source` with transformers and save fp32 safetensors (bit-identical weights)."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # the GGUF reader draws its own bar; we report progress ourselves
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder, filename = str(source.parent), source.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename)
    # save_pretrained refuses GGUF-quantized models; the weights are already plain fp32.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(target, safe_serialization=True)
    tokenizer.save_pretrained(target)
    write_manifest(target, source)
    stamp_as_verified(target)


def write_manifest(target: Path, source: Path) -> None:
    """Record the size and SHA-256 of every file in `target`, converted from `source`."""
    paths = [p for p in target.iterdir() if p.is_file() and p.name != MANIFEST]
    files = {p.name: p.stat().st_size for p in paths}
    digests = {p.name: checksum(p) for p in paths}
    manifest = {"source": str(source), "source_size": source.stat().st_size, "files": files, "sha256": digests}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def stamp_as_verified(folder: Path) -> None:
    """Record the copy just written and hashed as verified, so the next process does not hash it again.

    Why: without this the first restart after a conversion re-hashed 540 MB (~0.5-1 s of a one-second
    start), because the files were too fresh to stamp. Their times are set back SETTLED_SECONDS into
    the past first: any later write sets a file's time to now, which cannot equal the stamp, so a
    damaged copy is still hashed and caught (the same guarantee as `is_complete_stamped`).
    """
    settled = time.time_ns() - int(2 * SETTLED_SECONDS * 1e9)
    names = [p.name for p in folder.iterdir() if p.is_file() and p.name != VERIFIED]
    for name in names:
        os.utime(folder / name, ns=(settled, settled))
    (folder / VERIFIED).write_text(json.dumps(_stamps(folder, names)), encoding="utf-8")


def _run_with_progress(work: Callable[[], None], progress: Progress | None) -> None:
    """Run `work` in a thread, reporting an elapsed-time estimate every 0.5 s."""
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=guarded, daemon=True)
    start = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(0.5)
        if progress:
            elapsed = time.monotonic() - start
            progress(
                min(0.95, elapsed / EXPECTED_CONVERT_SECONDS),
                f"Converting the GGUF once: {elapsed:.0f} s of about {EXPECTED_CONVERT_SECONDS:.0f} s",
            )
    if errors:
        raise errors[0]


def ensure_converted(name: str, source: Path, progress: Progress | None = None) -> Path:
    """The folder of a complete safetensors copy of `source`, converting it first if needed."""
    target = converted_dir(name)
    remove_leftovers(target.parent, f"{target.name}.partial-")
    if is_complete_stamped(target, source):
        return target
    shutil.rmtree(target, ignore_errors=True)
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}-{time.time_ns()}")
    try:
        _run_with_progress(lambda: _convert(source, staging), progress)
        try:
            staging.rename(target)
        except OSError:  # another process finished first; its copy is as good as ours
            if not is_complete(target, source):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if progress:
        progress(1.0, "Converted; later starts load in about a second.")
    return target


def discard(name: str) -> None:
    """Delete the converted copy (used when loading it fails: it is rebuilt next time)."""
    shutil.rmtree(converted_dir(name), ignore_errors=True)
