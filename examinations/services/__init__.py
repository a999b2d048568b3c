"""Examination use cases, one module per subject: ``results`` (entry, import, publication guard, EX-10),
``committee`` (committees, meetings, decisions, proclamation), ``irregularity`` (IR-1 .. IR-5)."""
