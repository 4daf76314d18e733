"""What every layer needs: the terminal sanitiser, located problems, all-or-nothing output files."""
