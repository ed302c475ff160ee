"""The article browser: predictions joined to their scores, real references shown, all text escaped; every
article kept in the page's JSON data with each distinct text stored once."""

import json
import re
from html.parser import HTMLParser

import pandas as pd

from bench.report.browser import STATIC_ARTICLES, browser_html, collect_articles, tenths


def frames():
    preds = pd.DataFrame(
        [
            {
                "system": "b",
                "target": "headline",
                "article_id": "x1",
                "article_hash": "h1",
                "prediction": "<script>alert(1)</script> & co",
                "reference": "Real <headline>",
            },
            {
                "system": "a",
                "target": "headline",
                "article_id": "x1",
                "article_hash": "h1",
                "prediction": "plain output",
                "reference": "Real <headline>",
            },
            {
                "system": "a",
                "target": "standfirst",
                "article_id": "x1",
                "article_hash": "h1",
                "prediction": "stand output",
                "reference": "Real standfirst.",
            },
            {
                "system": "a",
                "target": "standfirst",
                "article_id": "x2",
                "article_hash": "h2",
                "prediction": "second",
                "reference": "Only a standfirst.",
            },
        ]
    )
    scores = pd.DataFrame(
        [
            {"system": "b", "target": "headline", "article_hash": "h1", "rouge1_f": 0.5, "rouge2_f": 0.25},
            {"system": "a", "target": "headline", "article_hash": "h1", "rouge1_f": 0.125, "rouge2_f": 0.0},
            {"system": "a", "target": "standfirst", "article_hash": "h1", "rouge1_f": 0.75, "rouge2_f": 0.5},
            {"system": "a", "target": "standfirst", "article_hash": "h2", "rouge1_f": 1.0, "rouge2_f": 1.0},
        ]
    )
    return preds, scores


def test_collect_joins_scores_and_orders_systems():
    preds, scores = frames()
    views = collect_articles(preds, scores, ["rouge1", "rouge2"], systems=["a", "b"])
    assert [v.article_id for v in views] == ["x1", "x2"]
    first = views[0]
    assert first.references == {"headline": "Real <headline>", "standfirst": "Real standfirst."}
    assert [(o.system, o.f1) for o in first.outputs["headline"]] == [
        ("a", {"rouge1": 0.125, "rouge2": 0.0}),
        ("b", {"rouge1": 0.5, "rouge2": 0.25}),
    ]
    assert "headline" not in views[1].outputs


def test_html_escapes_text_and_marks_the_best_output():
    preds, scores = frames()
    html = browser_html(collect_articles(preds, scores, ["rouge1"], ["a", "b"]), ["headline", "standfirst"], ["rouge1"])
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "Real &lt;headline&gt;" in html
    assert '<tr class="best"><td class=sys>b</td>' in html  # 50.0 beats 12.5 on R-1
    assert "<td class=num>50.0</td>" in html and "<td class=num>12.5</td>" in html
    assert html.count('<details class="article"') == 2
    assert '<details class="article" data-i="0" data-ready open>' in html
    assert html.count(" open>") == 1  # the first article opens, the rest stay folded


def test_an_article_without_a_headline_says_so():
    preds, scores = frames()
    html = browser_html(collect_articles(preds, scores, ["rouge1"], ["a"]), ["headline", "standfirst"], ["rouge1"])
    second = html.split('<details class="article"')[2]
    assert "Only a standfirst." in second and "no headline in the corpus: not scored" in second


class ScriptBlocks(HTMLParser):
    """The contents of each <script> element, as a browser's parser cuts them (a script ends at its first
    '</script')."""

    def __init__(self):
        super().__init__()
        self.blocks, self._in = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in = dict(attrs)
            self.blocks.append((self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            attrs, text = self.blocks[-1]
            self.blocks[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def data_of(html):
    """The page's article data (parsed) and its raw text, as a browser's parser would cut it out."""
    parser = ScriptBlocks()
    parser.feed(html)
    blocks = [(attrs, text) for attrs, text in parser.blocks if attrs.get("id") == "article-data"]
    assert len(blocks) == 1 and blocks[0][0].get("type") == "application/json"
    return json.loads(blocks[0][1]), blocks[0][1]


def many(n=30):
    """n articles, two systems; 'same' repeats the reference, and 'lead' gives one sentence for both targets."""
    preds, scores = [], []
    for k in range(n):
        head, stand = f"Headline number {k}", f"Standfirst number {k}. It has two sentences."
        lead = "</script><script>document.title='pwned'</script> & <b>lead</b>" if k == 25 else f"Lead sentence {k}."
        for system, target, text, ref in [
            ("lead", "headline", lead, head),
            ("lead", "standfirst", lead, stand),
            ("same", "headline", head, head),
            ("same", "standfirst", stand, stand),
        ]:
            preds.append(
                {
                    "system": system,
                    "target": target,
                    "article_id": f"id-{k}",
                    "article_hash": f"h{k}",
                    "prediction": text,
                    "reference": ref,
                }
            )
            r1 = 1.0 if text == ref else (k % 7) / 7
            scores.append(
                {
                    "system": system,
                    "target": target,
                    "article_hash": f"h{k}",
                    "rouge1_f": r1,
                    "rouge2_f": None if k == 3 else r1 / 2,
                }
            )
    return pd.DataFrame(preds), pd.DataFrame(scores)


def decode(data):
    """{(article id, target): (reference, [(system, prediction, [tenths per type])])} from the page's data."""
    texts, stride = data["texts"], 2 + len(data["types"])
    out = {}
    for article_id, refs, outputs in data["articles"]:
        for (target, _), ref, flat in zip(data["targets"], refs, outputs):
            rows = [
                (data["systems"][flat[i]], texts[flat[i + 1]], flat[i + 2 : i + stride])
                for i in range(0, len(flat), stride)
            ]
            out[(article_id, target)] = (None if ref == -1 else texts[ref], rows)
    return out


def test_every_article_is_in_the_data_with_each_text_once():
    preds, scores = many()
    views = collect_articles(preds, scores, ["rouge1", "rouge2"], ["lead", "same"])
    html = browser_html(views, ["headline", "standfirst"], ["rouge1", "rouge2"])
    data, _ = data_of(html)
    assert len(data["texts"]) == len(set(data["texts"]))
    assert set(data["texts"]) == set(preds["prediction"]) | set(preds["reference"])
    decoded = decode(data)
    assert len(decoded) == 60
    merged = preds.merge(scores, on=["system", "target", "article_hash"])
    for row in merged.itertuples():
        reference, rows = decoded[(row.article_id, row.target)]
        assert reference == row.reference
        shown = {s: (p, v) for s, p, v in rows}
        expected = [round(1000 * row.rouge1_f), None if pd.isna(row.rouge2_f) else round(1000 * row.rouge2_f)]
        assert shown[row.system] == (row.prediction, expected)
    assert [r[0] for r in decoded[("id-0", "headline")][1]] == ["lead", "same"]  # run order


def test_only_the_first_articles_are_static_html_and_the_rest_say_so_without_javascript():
    preds, scores = many()
    views = collect_articles(preds, scores, ["rouge1"], ["lead", "same"])
    html = browser_html(views, ["headline", "standfirst"], ["rouge1"])
    assert STATIC_ARTICLES == 20
    assert html.count('<details class="article"') == 20 and 'data-i="19"' in html and 'data-i="20"' not in html
    assert "<noscript>" in html and "Showing the first 20 of 30 articles; the other 10 are stored in this file" in html
    assert '<span id="article-count">30</span> articles' in html
    few = browser_html(views, ["headline", "standfirst"], ["rouge1"], static=40)
    assert few.count('<details class="article"') == 30 and "<noscript>" not in few


def test_an_output_with_a_closing_script_tag_cannot_break_the_page():
    preds, scores = many()
    html = browser_html(collect_articles(preds, scores, ["rouge1"], ["lead", "same"]), ["headline"], ["rouge1"])
    data, raw = data_of(html)  # the block the browser would cut out is the whole JSON, and it parses
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "</script><script>document.title='pwned'</script> & <b>lead</b>" in data["texts"]
    assert html.count("</script>") == 1  # only the data block's own end tag
    assert not re.search(r"<script>document", html)


def test_scores_are_stored_as_the_tenths_shown():
    assert [tenths(v) for v in (0.0, 0.125, 0.5, 1.0, 0.12345, 0.99999)] == [0, 125, 500, 1000, 123, 1000]
    assert [f"{100 * v:.1f}" for v in (0.12345, 0.99999)] == ["12.3", "100.0"]  # what the static HTML shows
    assert tenths(None) is None and tenths(float("nan")) is None and tenths(float("inf")) is None
