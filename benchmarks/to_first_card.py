"""`srs ARGS...` in this process, ended (os._exit) as soon as the first card's keys line is
written: what bench_startup.py --instructions counts under valgrind, so that the count stops
where the timed figure does and nothing after the first card (the store's integrity check, the
summary) is counted. It imports nothing beyond what the interpreter has loaded before a script
runs, and works for checkouts from before the packages by concern (it runs `interview_srs` as
`python -m` would)."""

import os
import runpy
import sys

MARKERS = ("Space show answer", "Space/Enter show answer")  # now, and before interview mode


class StopAtFirstCard:
    def __init__(self, stream):
        self.stream, self.seen = stream, ""

    def write(self, text):
        self.stream.write(text)
        self.seen += text
        if any(marker in self.seen for marker in MARKERS):
            self.stream.flush()
            os._exit(0)
        return len(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


sys.stdout = StopAtFirstCard(sys.stdout)
sys.argv = ["interview_srs", *sys.argv[1:]]
runpy.run_module("interview_srs", run_name="__main__")
