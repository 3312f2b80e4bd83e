"""The free assets of the critical line algorithm and the inverse of their covariance block."""

from __future__ import annotations

from typing import NoReturn

import numpy as np

from ..candidates import AnalysisError


class FreeSet:
    """The free assets in the order they joined, and the inverse of their covariance block.

    Joining or leaving updates the inverse in O(|F|²) (block inversion) instead of refactoring it
    in O(|F|³); every few updates it is recomputed from scratch so rounding cannot build up.
    """

    _REFRESH_EVERY = 32

    def __init__(self, cov: np.ndarray, first: int) -> None:
        self.cov = cov
        self.index = [first]
        if not cov[first, first] > 0:
            _singular()
        self.inverse = np.array([[1.0 / cov[first, first]]])
        self._updates = 0

    def add(self, asset: int) -> None:
        """Grow the inverse by one row and column (Schur complement)."""
        column = self.cov[self.index, asset]
        u = self.inverse @ column
        schur = self.cov[asset, asset] - column @ u
        if not schur > 1e-13 * self.cov[asset, asset]:
            _singular()
        grown = np.empty((len(self.index) + 1,) * 2)
        grown[:-1, :-1] = self.inverse + np.outer(u, u) / schur
        grown[:-1, -1] = grown[-1, :-1] = -u / schur
        grown[-1, -1] = 1.0 / schur
        self.index.append(asset)
        self._settle(grown)

    def remove(self, asset: int) -> None:
        """Drop one row and column: the inverse of a principal submatrix from the full inverse."""
        position = self.index.index(asset)
        keep = np.arange(len(self.index)) != position
        pivot = self.inverse[position, keep]
        shrunk = self.inverse[np.ix_(keep, keep)] - np.outer(pivot, pivot) / self.inverse[position, position]
        del self.index[position]
        self._settle(shrunk)

    def _settle(self, inverse: np.ndarray) -> None:
        self._updates += 1
        if self._updates % self._REFRESH_EVERY:
            self.inverse = inverse
            return
        block = self.cov[np.ix_(self.index, self.index)]
        try:
            factor = np.linalg.cholesky(block)
        except np.linalg.LinAlgError:
            _singular()
        identity = np.linalg.solve(factor, np.eye(len(self.index)))
        self.inverse = identity.T @ identity


def _singular() -> NoReturn:
    """Refuse a covariance block that is not positive definite, saying what to do."""
    raise AnalysisError(
        "The covariance matrix is singular on the assets of the frontier (more assets than dates, or "
        "assets that move identically). Use the Ledoit–Wolf covariance, or drop duplicate assets."
    )
