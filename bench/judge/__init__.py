"""The ``llm-judge`` metric: a language model, configured like any system, rates predictions per criterion.

``metric`` (the registered metric), ``prompts`` (criteria, template, rendering), ``parse`` (reading
ratings out of answers, never raising), ``backend`` (building the judge system, asking it, caching).
It lives beside ``bench/metrics`` rather than in it because it drives a system, and metrics never import
systems (tests/test_boundaries.py); ``bench/metrics/builtin.py`` imports it to register it.
"""
