"""The `srs` process around a command: closed or failing standard streams and Ctrl-C end in one
line, not a traceback; `check` and `build` end without the interpreter's teardown."""

from __future__ import annotations

import os
import sys

import click

from interview_srs.base.sanitize import printable, replace_unencodable

_skip_teardown = False


def holding_the_whole_bank() -> None:
    """`check` and `build` make tens of thousands of objects that live until the process ends.

    They make no garbage cycles worth finding, so the cycle collector is off while they run:
    its passes would slow a large bank's rebuild for nothing (reference counting still frees
    everything else); it is back on when the command ends, as the tests run many commands in
    one process. Freeing those objects one by one when the interpreter shuts down is slow too,
    so `run` ends such a command without that teardown (see `_end_now`)."""
    import gc

    global _skip_teardown
    _skip_teardown = True
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


def run(command: click.Command) -> None:
    """Run the click `command` as the program `srs` and exit with its status."""
    global _skip_teardown
    _skip_teardown = False  # until the command run now asks for it
    if sys.stdout is None:
        _stop("standard output is closed; give srs somewhere to write (a terminal, a file or a pipe)", 2)
    replace_unencodable(sys.stdout, sys.stderr)
    try:
        command(prog_name="srs")
    except SystemExit as done:
        status = done.code
    except KeyboardInterrupt:
        _stop("interrupted", 130)
    except OSError as exc:  # writing to a full or closed standard output, a pipe that closed
        where = f" ({exc.filename})" if exc.filename else ""
        _stop(f"cannot write the output: {exc.strerror or exc}" if not where else f"{exc.strerror or exc}{where}", 1)
    else:
        status = 0
    try:
        sys.stdout.flush()
    except OSError as exc:
        _stop(f"cannot write the output: {exc.strerror or exc}", 1)
    if _skip_teardown and (status is None or isinstance(status, int)):
        _end_now(status or 0)
    sys.exit(status)


def _end_now(status: int) -> None:
    """Exit without the interpreter's teardown. Everything a command writes is complete by now:
    files are written through context managers and renamed into place, threads and worker
    processes have been joined, and standard output has been flushed; nothing of ours waits
    on exit handlers, which this skips."""
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(status)


def _stop(message: str, status: int) -> None:
    """Say why on standard error (if it is open) and exit; output that cannot be written is dropped."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # so the interpreter's last flush of stdout has nowhere to fail
    except OSError:
        pass
    if sys.stderr is not None:
        try:
            print(f"Error: {printable(message)}", file=sys.stderr)
        except OSError:
            pass
    sys.exit(status)
