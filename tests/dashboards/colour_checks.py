"""Colour measures for the contrast tests: WCAG 2.2 contrast, and how far apart two colours stay for readers
with a colour-vision deficiency.

Contrast is WCAG's: (L1 + 0.05) / (L2 + 0.05) of the relative luminances (sRGB decoded with the 0.04045 threshold).
Colour vision deficiencies are simulated with Machado, Oliveira & Fernandes (2009), severity 1 (dichromacy:
protanopia, deuteranopia, tritanopia), applied in linear RGB; distance is CIE76 ΔE in CIELAB (D65), where about 2
is a just-noticeable difference and 10 or more tells two flat marks apart at a glance.
"""

from __future__ import annotations

import numpy as np

# Machado et al. 2009, severity 1.0; the matrices act on linear RGB.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb(colour: str) -> np.ndarray:
    """'#RRGGBB', '#RGB' or a few names -> sRGB in 0..1."""
    colour = {"white": "#ffffff", "black": "#000000"}.get(colour.strip().lower(), colour.strip())
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return np.array([int(digits[i:i + 2], 16) for i in (0, 2, 4)]) / 255


def linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    return float(linear(rgb(colour)) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: str, opacity: float, background: str) -> str:
    """The colour a mark of `opacity` shows over `background` (as browsers composite, in sRGB)."""
    mixed = opacity * rgb(colour) + (1 - opacity) * rgb(background)
    return "#" + "".join(f"{round(v * 255):02x}" for v in mixed)


def lab(colour: str, vision: str = "normal") -> np.ndarray:
    """CIELAB of the colour as seen with `vision` (one of CVD)."""
    seen = np.clip(CVD[vision] @ linear(rgb(colour)), 0, 1)
    xyz = _XYZ @ seen / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 ΔE between two colours as seen with `vision`."""
    return float(np.linalg.norm(lab(a, vision) - lab(b, vision)))


def closest_pair(colours, vision: str = "normal") -> tuple[float, str, str]:
    """The smallest ΔE between any two of `colours` seen with `vision`, and the pair."""
    colours = list(colours)
    return min((distance(a, b, vision), a, b) for i, a in enumerate(colours) for b in colours[i + 1:])
