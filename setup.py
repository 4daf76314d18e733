"""Ships the curated bank with the package: cards/ and the built decks/ are copied into
`interview_srs/bank/` when the wheel is built (pyproject.toml holds everything else).

The repository keeps cards/ and decks/ at the top (curators edit them there); a plain copy at
build time works on every platform, unlike symlinks. `sources.bundled` finds them at run time
through importlib.resources.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BANK = {"cards": ("*.yaml", "*.yml"), "decks": ("*.apkg",)}


class build_py_with_bank(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own cards/ and decks/
            return
        for folder, patterns in BANK.items():
            source = ROOT / folder
            files = sorted(p for pattern in patterns for p in source.rglob(pattern))
            if not files:
                raise SystemExit(f"setup.py: no {'/'.join(patterns)} files in {source}; cannot ship the bank")
            for path in files:
                target = Path(self.build_lib) / "interview_srs" / "bank" / folder / path.relative_to(source)
                self.mkpath(str(target.parent))
                self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": build_py_with_bank})
