"""The prediction cache: appends survive, torn last lines are recovered, keys separate tasks."""

from bench.run.cache import PredictionCache


def test_round_trip_across_instances(tmp_path):
    cache = PredictionCache(tmp_path, "fp1")
    cache.put_many("headline:w12", [("h1", "a1", "First"), ("h2", "a2", "Second")])
    again = PredictionCache(tmp_path, "fp1")
    assert again.get("headline:w12", "h1") == "First"
    assert again.get("headline:w12", "h2") == "Second"
    assert again.get("standfirst:w40", "h1") is None
    assert PredictionCache(tmp_path, "fp2").get("headline:w12", "h1") is None


def test_torn_last_line_is_dropped_and_file_repaired(tmp_path):
    cache = PredictionCache(tmp_path, "fp")
    cache.put_many("headline:w12", [("h1", "a1", "Kept")])
    with open(cache.path, "ab") as fh:
        fh.write(b'{"key": "headline:w12|h2", "article_id": "a2", "predic')  # killed mid-write
    recovered = PredictionCache(tmp_path, "fp")
    assert recovered.recovered_torn_line
    assert len(recovered) == 1 and recovered.get("headline:w12", "h1") == "Kept"
    recovered.put_many("headline:w12", [("h2", "a2", "New")])
    lines = cache.path.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith("{") and line.endswith("}") for line in lines)


def test_no_reuse_ignores_old_entries_and_new_ones_win(tmp_path):
    PredictionCache(tmp_path, "fp").put_many("headline:w12", [("h1", "a1", "old")])
    fresh = PredictionCache(tmp_path, "fp", reuse=False)
    assert fresh.get("headline:w12", "h1") is None
    fresh.put_many("headline:w12", [("h1", "a1", "new")])
    assert PredictionCache(tmp_path, "fp").get("headline:w12", "h1") == "new"
