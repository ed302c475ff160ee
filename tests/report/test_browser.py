"""The article browser: predictions joined to their scores, real references shown, all text escaped."""

import pandas as pd

from bench.report.browser import browser_html, collect_articles


def frames():
    preds = pd.DataFrame([
        {"system": "b", "target": "headline", "article_id": "x1", "article_hash": "h1",
         "prediction": "<script>alert(1)</script> & co", "reference": "Real <headline>"},
        {"system": "a", "target": "headline", "article_id": "x1", "article_hash": "h1",
         "prediction": "plain output", "reference": "Real <headline>"},
        {"system": "a", "target": "standfirst", "article_id": "x1", "article_hash": "h1",
         "prediction": "stand output", "reference": "Real standfirst."},
        {"system": "a", "target": "standfirst", "article_id": "x2", "article_hash": "h2",
         "prediction": "second", "reference": "Only a standfirst."},
    ])
    scores = pd.DataFrame([
        {"system": "b", "target": "headline", "article_hash": "h1", "rouge1_f": 0.5, "rouge2_f": 0.25},
        {"system": "a", "target": "headline", "article_hash": "h1", "rouge1_f": 0.125, "rouge2_f": 0.0},
        {"system": "a", "target": "standfirst", "article_hash": "h1", "rouge1_f": 0.75, "rouge2_f": 0.5},
        {"system": "a", "target": "standfirst", "article_hash": "h2", "rouge1_f": 1.0, "rouge2_f": 1.0},
    ])
    return preds, scores


def test_collect_joins_scores_and_orders_systems():
    preds, scores = frames()
    views = collect_articles(preds, scores, ["rouge1", "rouge2"], systems=["a", "b"])
    assert [v.article_id for v in views] == ["x1", "x2"]
    first = views[0]
    assert first.references == {"headline": "Real <headline>", "standfirst": "Real standfirst."}
    assert [(o.system, o.f1) for o in first.outputs["headline"]] == [
        ("a", {"rouge1": 0.125, "rouge2": 0.0}), ("b", {"rouge1": 0.5, "rouge2": 0.25})]
    assert "headline" not in views[1].outputs


def test_html_escapes_text_and_marks_the_best_output():
    preds, scores = frames()
    html = browser_html(collect_articles(preds, scores, ["rouge1"], ["a", "b"]), ["headline", "standfirst"], ["rouge1"])
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "Real &lt;headline&gt;" in html
    assert '<tr class="best"><td class=sys>b</td>' in html  # 50.0 beats 12.5 on R-1
    assert "<td class=num>50.0</td>" in html and "<td class=num>12.5</td>" in html
    assert html.count('<details class="article"') == 2 and '<details class="article" data-q="x1' in html
    assert html.count(" open>") == 1  # the first article opens, the rest stay folded


def test_an_article_without_a_headline_says_so():
    preds, scores = frames()
    html = browser_html(collect_articles(preds, scores, ["rouge1"], ["a"]), ["headline", "standfirst"], ["rouge1"])
    second = html.split('<details class="article"')[2]
    assert "Only a standfirst." in second and "no headline in the corpus: not scored" in second
