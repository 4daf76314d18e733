"""`srs sync-anki`: answers given in Anki into the store, and with --write the other way."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from interview_srs.commands.output import UserError, echo, with_home

if TYPE_CHECKING:
    from interview_srs.anki.sync import SyncResult
    from interview_srs.anki.write import WriteResult


def run_sync_anki(path: Path, cards_dir: Path | None, store_path: Path | None, use_anki_params: bool,
                  write: bool) -> None:
    from interview_srs.anki import snapshot, sync as anki_sync

    def run(home, at) -> list[str]:
        result = anki_sync.sync_from_anki(path, home, now=at, use_anki_params=use_anki_params)
        lines = _sync_lines(result, use_anki_params)
        if write:
            from interview_srs.anki import write as anki_write

            lines.extend(_write_lines(anki_write.write_to_anki(path, home)))
        return lines

    try:
        lines = with_home(cards_dir, store_path, run)
    except snapshot.AnkiSyncError as error:
        raise UserError(error) from None
    for line in lines:
        echo(line)


def _sync_lines(result: SyncResult, use_anki_params: bool) -> list[str]:
    """What a sync read, added and replayed, what it skipped and why, and the FSRS settings."""
    from interview_srs.anki.sync import SKIP_REASONS

    data = result.data
    lines = [
        f"{result.path}: Anki collection (schema {data.schema}), {data.notes} interview-srs notes, "
        f"{len(data.answers)} answers.",
        f"Added {result.added} answers from Anki ({result.known} already in the store); "
        f"replayed {result.replayed} cards.",
    ]
    if data.future:
        lines.append(
            f"Skipped {data.future} answers dated more than a day in the future (a device with a wrong clock?); "
            "they would keep their cards out of review until then."
        )
    if not data.fsrs_enabled:
        lines.append("FSRS is off in this collection: Anki schedules these cards with SM-2, so its due dates differ from ours.")
    if data.unreadable:
        lines.append(
            f"Could not decode {' and '.join(data.unreadable)} of this collection (damaged?): "
            "no FSRS settings were taken from them."
        )
    if data.skipped:
        parts = ", ".join(f"{count} {SKIP_REASONS[reason]}" for reason, count in sorted(data.skipped.items()))
        lines.append(f"Skipped {sum(data.skipped.values())} revlog entries that are not answers: {parts}.")
    if result.params is not None:
        if result.params_used:
            lines.append(
                f'Now using the FSRS parameters and desired retention {result.params.desired_retention} '
                f'of Anki\'s preset "{result.params.preset}" (written to config.toml).'
            )
        elif not use_anki_params:
            lines.append(
                f'Anki\'s preset "{result.params.preset}" has its own FSRS parameters (desired retention '
                f"{result.params.desired_retention}); add --use-anki-params to use them here."
            )
    elif use_anki_params:
        lines.append("No FSRS parameters to take: FSRS is off or has no parameters in Anki, or they are already in use.")
    return lines


def _write_lines(result: WriteResult) -> list[str]:
    """What --write wrote to Anki, what Anki had already, and what came after a later review."""
    if result.written == 0 and result.already == 0:
        return ["Anki already has every terminal answer; nothing written."]
    lines = []
    if result.written:
        lines.append(f"Wrote {result.written} terminal answers to Anki (backup: {result.backup}).")
    if result.already:
        lines.append(f"{result.already} answers were already in Anki (an earlier run); recorded as sent.")
    if result.out_of_order:
        lines.append(
            f"{result.out_of_order} answers are older than the card's last review in Anki and were "
            "applied after it."
        )
    return lines
