"""`srs sync-anki`: answers given in Anki into the store, and with --write the other way."""

from __future__ import annotations

from pathlib import Path

from interview_srs.commands.output import UserError, echo, with_home


def run_sync_anki(path: Path, cards_dir: Path | None, store_path: Path | None, use_anki_params: bool,
                  write: bool) -> None:
    from interview_srs.anki import snapshot, sync as anki_sync

    def run(home, at) -> list[str]:
        result = anki_sync.sync_from_anki(path, home, now=at, use_anki_params=use_anki_params)
        lines = anki_sync.format_sync(result, use_anki_params)
        if write:
            from interview_srs.anki import write as anki_write

            lines.extend(anki_write.format_write(anki_write.write_to_anki(path, home)))
        return lines

    try:
        lines = with_home(cards_dir, store_path, run)
    except snapshot.AnkiSyncError as error:
        raise UserError(error) from None
    for line in lines:
        echo(line)
