"""Metrics: ROUGE engines (rouge.py), statistics (stats.py), extra metrics (extra.py)."""
