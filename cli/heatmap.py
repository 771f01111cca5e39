"""A mastery heatmap (rows x concepts) written as PNG or SVG with matplotlib (Agg, no display).

matplotlib is imported inside ``write_heatmap`` so ``pathwise --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

from graph.cohort_reports import Grid

__all__ = ["FORMATS", "label_step", "write_heatmap"]

FORMATS = (".png", ".svg")
_MAX_INCHES = 60.0
_LABEL_POINTS = 8.0
"""Room a 7-point tick label needs across its axis; closer labels overlap, so only every k-th is written."""


def label_step(count: int, inches: float) -> int:
    """Label every k-th of ``count`` rows or columns spread over ``inches``: every one where they fit.

    Past 80 rows or concepts no label was written at all, so a district's 120-concept
    heatmap showed colours nobody could tie to a concept; the figure grows to 60 inches
    (about 200 labelled concepts), and past that every second, third... is labelled.
    """
    if count <= 0:
        return 1
    spacing = inches * 72.0 / count
    return max(1, -int(-_LABEL_POINTS // spacing))


def write_heatmap(grid: Grid, path: Path, *, title: str, row_label: str) -> None:
    """Draw ``grid`` (probabilities in [0, 1]; NaN grey) and save it; the suffix picks PNG or SVG."""
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"{path}: a heatmap is written as .png or .svg")
    rows, cols = grid.values.shape
    width = min(_MAX_INCHES, max(6.0, 0.28 * cols + 3.0))
    height = min(_MAX_INCHES, max(3.0, 0.22 * rows + 2.0))
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    cmap = colormaps["viridis"].with_extremes(bad="#d9d9d9")
    image = axes.imshow(grid.values, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    across = label_step(cols, width - 3.0)
    down = label_step(rows, height - 2.0)
    axes.set_xticks(range(0, cols, across), grid.concepts[::across], rotation=90, fontsize=7)
    axes.set_yticks(range(0, rows, down), grid.rows[::down], fontsize=7)
    axes.set_xlabel("concept")
    axes.set_ylabel(row_label)
    axes.set_title(title, fontsize=10)
    figure.colorbar(image, ax=axes, label="P(mastered) (grey: none or withheld)", shrink=0.8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=path.suffix.lower().lstrip("."), dpi=120)
