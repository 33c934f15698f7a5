"""Typed errors. Only argument and configuration errors stop a run; problems with
input files are reported as :class:`analyser.models.Problem` values instead."""


class AnalyserError(Exception):
    """Base class: the CLI turns it into a one-line ``Error: ...``."""


class DataFileError(AnalyserError):
    """A versioned data file (checklist, tags, patterns, numbering) is invalid."""


class ExtractionError(AnalyserError):
    """A document could not be read; carries a message fit for problems.csv."""


class ModelError(AnalyserError):
    """A trained model is missing, invalid, or was made by incompatible versions."""


class OutputError(AnalyserError):
    """The output folder cannot be written as asked."""
