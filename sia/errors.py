"""The one error of the SIA library: a parameter value it cannot use."""

from __future__ import annotations

__all__ = ["SiaParameterError"]


class SiaParameterError(ValueError):
    """A malformed SIA parameter value; the message names the parameter and what to fix."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
