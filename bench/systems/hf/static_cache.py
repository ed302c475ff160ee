"""Pre-allocated KV caches for decoder LLMs with ``cache: static``, kept across batches.

transformers' own static cache gives sliding-window layers (Gemma 2/3, Mistral-style models) a ring
buffer that tracks its fill level in a Python int. A compiled decoding step guards on that int, so it is
recompiled at every new token until torch's recompile limit (8), then falls back to eager: on an H200,
gemma-3-270m took 90 s of warm-up and ran no faster than without ``compile``. Here every layer gets a
plain full-length :class:`~transformers.cache_utils.StaticLayer` instead; the model still applies its
sliding-window mask, so attention sees the same keys, at the cost of a longer cache on sliding layers.

One cache per (batch size, length) is kept and reset before each batch, because a compiled step with
CUDA graphs is tied to the buffers it was recorded with.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

__all__ = ["StaticCachePool", "generate_cache_kwarg"]


@functools.cache
def generate_cache_kwarg() -> str:
    """The name ``generate`` takes a cache object under: ``cache`` in newer transformers (5.2x deprecate
    ``past_key_values`` in its favour; 6.0 drops the old name), ``past_key_values`` before."""
    import transformers
    from transformers import GenerationMixin

    if int(transformers.__version__.split(".")[0]) >= 6:
        return "cache"
    try:
        source = inspect.getsource(GenerationMixin.generate)
    except (OSError, TypeError):  # pragma: no cover - source not shipped
        return "past_key_values"
    return "cache" if 'new_name="cache"' in source else "past_key_values"


class StaticCachePool:
    """Full-length static caches for one model, reused across ``generate`` calls."""

    def __init__(self, model_config: Any) -> None:
        text = model_config.get_text_config(decoder=True)
        self.layers = int(text.num_hidden_layers)
        self._caches: dict[tuple[int, int], Any] = {}

    def get(self, batch_size: int, max_cache_len: int) -> Any:
        """An empty cache for ``batch_size`` sequences (beams count) of up to ``max_cache_len`` tokens."""
        from transformers.cache_utils import Cache, StaticLayer

        key = (batch_size, max_cache_len)
        cache = self._caches.get(key)
        if cache is None:
            if any(length != max_cache_len for _, length in self._caches):
                self._caches.clear()  # a new length: the old buffers will not be used again
            cache = Cache(layers=[StaticLayer(max_cache_len=max_cache_len) for _ in range(self.layers)])
            self._caches[key] = cache
        else:
            cache.reset()
        return cache

    def clear(self) -> None:
        self._caches.clear()
