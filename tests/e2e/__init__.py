"""End to end: whole runs against published figures, a series of reports, independent checks."""
