"""Operations commands: `python -m cli <command> …` (see README)."""
