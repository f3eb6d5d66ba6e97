"""Readers and writers of file formats: Word, Akoma Ntoso, plain text and Markdown.

Each reader returns a :class:`~multilateral.text.units.Segmented` or raises
:class:`~multilateral.text.formats.errors.ImportProblem`; none touches Flask or the database.
"""

from multilateral.text.formats.errors import ImportProblem

__all__ = ["ImportProblem"]
