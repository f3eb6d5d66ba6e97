"""The Equal Earth map projection (Šavrič, Patterson & Jenny, 2018).

Equal-area, so a country's size on the map is proportional to its real area: a choropleth
of treaty status should not make Greenland or Russia look more important than they are.
Written from the published formulas:

    θ = asin(√3/2 · sin φ)
    x = 2√3 · λ · cos θ / (3 · (9·A4·θ⁸ + 7·A3·θ⁶ + 3·A2·θ² + A1))
    y = A4·θ⁹ + A3·θ⁷ + A2·θ³ + A1·θ

with λ, φ in radians on the unit sphere; y grows northwards.
"""

from __future__ import annotations

import math

__all__ = ["MAX_X", "MAX_Y", "equal_earth"]

#: Polynomial coefficients from the paper.
A1 = 1.340264
A2 = -0.081106
A3 = 0.000893
A4 = 0.003796
#: √3 / 2: the parametric latitude θ satisfies sin θ = M · sin φ.
M = math.sqrt(3.0) / 2.0


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project a point given in degrees to unit-sphere Equal Earth coordinates (y north)."""
    lam = math.radians(lon)
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2.0 * math.sqrt(3.0) * lam * math.cos(theta)
    x /= 3.0 * (9.0 * A4 * t6 * t2 + 7.0 * A3 * t6 + 3.0 * A2 * t2 + A1)
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


#: Half the width of the projected world (the equator at ±180°), about 2.7066.
MAX_X = equal_earth(180.0, 0.0)[0]
#: Half the height of the projected world (the poles), about 1.3173.
MAX_Y = equal_earth(0.0, 90.0)[1]
