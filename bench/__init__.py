"""headline-bench: benchmark summarizers on news headlines and standfirsts with publishable ROUGE."""

__version__ = "0.1.0"
__all__ = ["__version__"]
