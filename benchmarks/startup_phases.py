"""Run `srs ARGS...` in this process and record where its time went until the first card is on
screen: imports, opening the store (with the card sync), the SQL queries, planning, rendering,
and the rest. bench_startup.py runs it; it writes the phases (seconds) as JSON to the file named
by $SRS_PHASES_OUT once the first card's keys line is printed.

It imports nothing of its own beyond what the interpreter has loaded before any script runs, so
that every import srs makes is counted. Phases are exclusive: a query made inside planning
counts as SQL. Times are taken by wrapping functions (each wrapped call costs about a
microsecond), so the phases add up to a little more than an unwrapped run takes.
"""

import builtins
import sys
import time

READY = "Space show answer"
# module -> (phase, the functions timed: "*" every function the module defines)
TIMED = {
    "interview_srs.store.connection": ("store", ["Store.open"]),
    "interview_srs.store.home": ("store", ["sync_cards"]),
    "interview_srs.store.queries": ("SQL", "*"),
    "interview_srs.store.lookups": ("SQL", "*"),
    "interview_srs.store.interviews": ("SQL", "*"),
    "interview_srs.review.planner": ("planning", ["plan", "choose", "upcoming"]),
    "interview_srs.review.session_screen": ("rendering", ["card_screen"]),
    "interview_srs.terminal.pager": ("rendering", ["view"]),
    "interview_srs.terminal.screen": ("rendering", ["Terminal.line", "Terminal.clear", "Terminal.write"]),
}

started = time.perf_counter()
spent = {"imports": 0.0, "store": 0.0, "SQL": 0.0, "planning": 0.0, "rendering": 0.0, "other": 0.0}
stack: list[str] = []
clock = {"phase": "other", "since": started, "stopped": False}


def enter(phase: str) -> None:
    now = time.perf_counter()
    spent[clock["phase"]] += now - clock["since"]
    stack.append(clock["phase"])
    clock["phase"], clock["since"] = phase, now


def leave() -> None:
    now = time.perf_counter()
    spent[clock["phase"]] += now - clock["since"]
    clock["phase"], clock["since"] = stack.pop(), now


def stop() -> None:
    """The first card is on screen: write the phases, and time nothing more."""
    if clock["stopped"]:
        return
    now = time.perf_counter()
    spent[clock["phase"]] += now - clock["since"]
    clock["stopped"] = True
    import json
    import os

    with open(os.environ["SRS_PHASES_OUT"], "w") as out:
        json.dump({**spent, "total": now - started}, out)


def timed(function, phase: str):
    def wrapper(*args, **kwargs):
        if clock["stopped"]:
            return function(*args, **kwargs)
        enter(phase)
        try:
            return function(*args, **kwargs)
        finally:
            leave()

    wrapper.__wrapped__ = function
    return wrapper


def watching_for_the_card(line):
    def wrapper(self, text: str = "") -> None:
        line(self, text)
        if READY in text:
            stop()

    return wrapper


patched: set[str] = set()


def patch_loaded() -> None:
    """Wrap the functions of the TIMED modules loaded since the last call, in their module and
    wherever they were imported by name."""
    for name, (phase, functions) in TIMED.items():
        module = sys.modules.get(name)
        if module is None or name in patched or getattr(module.__spec__, "_initializing", False):
            continue  # not loaded, done, or still executing
        patched.add(name)
        if functions == "*":
            functions = [f for f, v in vars(module).items()
                         if callable(v) and getattr(v, "__module__", None) == name and not isinstance(v, type)]
        for function in functions:
            if "." in function:
                owner_name, attribute = function.split(".")
                owner = getattr(module, owner_name)
                original = owner.__dict__[attribute]
                if isinstance(original, classmethod):
                    setattr(owner, attribute, classmethod(timed(original.__func__, phase)))
                elif function == "Terminal.line":
                    setattr(owner, attribute, watching_for_the_card(timed(original, phase)))
                else:
                    setattr(owner, attribute, timed(original, phase))
                continue
            original = getattr(module, function)
            wrapper = timed(original, phase)
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("interview_srs"):
                    for key, value in list(vars(other).items()):
                        if value is original:
                            setattr(other, key, wrapper)


real_import = builtins.__import__


def timed_import(name, globals=None, locals=None, fromlist=(), level=0):
    if clock["stopped"]:
        return real_import(name, globals, locals, fromlist, level)
    enter("imports")
    try:
        return real_import(name, globals, locals, fromlist, level)
    finally:
        leave()
        patch_loaded()


builtins.__import__ = timed_import
sys.argv = ["srs", *sys.argv[1:]]
from interview_srs.cli import main  # noqa: E402

main()
