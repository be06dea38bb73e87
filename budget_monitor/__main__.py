"""``python -m budget_monitor``: the same command as ``budget-monitor`` (see ``cli``); nothing else."""

from .cli import main

main()
