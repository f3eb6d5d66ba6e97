"""Pure domain logic for negotiated texts: no Flask, no database.

Everything here runs on plain strings and dataclasses so the hardest logic
(segmenting, clause analysis, alignment, diff, Word tracked changes) is tested
as plain functions.
"""
