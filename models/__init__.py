"""Trained tagging models (issue 5), shipped in the wheel as the package ``analyser.trained``.

Each model lives in ``models/<name>/``: ``config.toml`` (how ``tipgap train`` makes it),
``model.skops`` and ``meta.json`` (what it writes) and ``EVAL.md`` (``tipgap eval``). Only
``model.skops`` and ``meta.json`` go into the wheel (see ``pyproject.toml``).
"""
