"""A mastery heatmap (rows x concepts) written as PNG or SVG with matplotlib (Agg, no display).

matplotlib is imported inside ``write_heatmap`` so ``pathwise --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

from graph.cohort_reports import Grid

__all__ = ["FORMATS", "write_heatmap"]

FORMATS = (".png", ".svg")
_MAX_LABELS = 80  # more rows or columns than this and their tick labels are left out
_MAX_INCHES = 60.0


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
    if cols <= _MAX_LABELS:
        axes.set_xticks(range(cols), grid.concepts, rotation=90, fontsize=7)
    if rows <= _MAX_LABELS:
        axes.set_yticks(range(rows), grid.rows, fontsize=7)
    axes.set_xlabel("concept")
    axes.set_ylabel(row_label)
    axes.set_title(title, fontsize=10)
    figure.colorbar(image, ax=axes, label="P(mastered) (grey: none or withheld)", shrink=0.8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format=path.suffix.lower().lstrip("."), dpi=120)
