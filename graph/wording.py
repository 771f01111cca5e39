"""Small helpers for the sentences students read: counts with their noun, lists of names.

A screen reader reads "1 step(s)" as "1 step open bracket s close bracket", and a list
of labels that contain "and" themselves ("Ratios and Proportions and Percents") cannot be
told apart by ear: these say a count and a list the way a person would write them.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["name_list", "plural"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` with its noun, singular for 1 (``nouns``: the plural when not ``noun + "s"``).

    Examples:
        >>> plural(1, "step"), plural(2, "step"), plural(0, "more concept")
        ('1 step', '2 steps', '0 more concepts')
        >>> plural(1, "day"), plural(35, "day")
        ('1 day', '35 days')
    """
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def name_list(names: Sequence[str]) -> str:
    """Names as a list a listener can split: commas, or semicolons when a name has a comma or "and".

    Examples:
        >>> name_list(["Slope"]), name_list(["Slope", "Percents"])
        ('Slope', 'Slope and Percents')
        >>> name_list(["Decimals", "Percents", "Slope"])
        'Decimals, Percents, and Slope'
        >>> name_list(["Ratios and Proportions", "Percents"])
        'Ratios and Proportions; and Percents'
        >>> name_list(["Factors and Multiples", "Least Common Multiple", "Percents"])
        'Factors and Multiples; Least Common Multiple; and Percents'
    """
    if len(names) <= 1:
        return "".join(names)
    if any("," in n or " and " in f" {n} " for n in names):
        return "; ".join(names[:-1]) + "; and " + names[-1]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]
