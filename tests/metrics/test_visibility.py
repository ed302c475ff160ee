"""No silent zeros: texts a tokenizer cannot see, and texts scored as the wrong language, are said loudly."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bench.corpus.load import CorpusConfig, load_corpus
from bench.errors import MetricError
from bench.metrics.rouge import Rouge, RougeConfig
from bench.metrics.visibility import INVISIBLE_SHARE
from tests.conftest import BBC

ZH_PRED, ZH_REF = "中国经济增长放缓，政府出台新措施", "政府出台措施应对经济增长放缓"
RU_PRED, RU_REF = "Москва объявила новые санкции против Киева", "Москва вводит новые санкции"

# Twelve German news items written for this test: headline, standfirst and body, no language field.
GERMAN = [
    (
        "Stadtrat beschließt neue Brücke über den Rhein",
        "Der Stadtrat hat am Montag den Bau einer neuen Brücke beschlossen. Die Arbeiten sollen im Mai beginnen.",
        (
            "Der Stadtrat hat am Montag mit großer Mehrheit den Bau einer neuen Brücke über den Rhein beschlossen. "
            "Die Kosten werden auf 120 Millionen Euro geschätzt.\n\nDie Arbeiten sollen im Mai beginnen."
        ),
    ),
    (
        "Sturm legt Bahnverkehr im Norden lahm",
        "Ein schwerer Sturm hat den Zugverkehr in Norddeutschland für mehrere Stunden unterbrochen.",
        (
            "Ein schwerer Sturm hat am Dienstag den Zugverkehr in Norddeutschland unterbrochen. Bäume stürzten auf "
            "die Gleise.\n\nDie Bahn rechnet damit, dass der Verkehr erst am Abend wieder normal läuft."
        ),
    ),
    (
        "Regierung will Steuern für Familien senken",
        "Die Bundesregierung plant eine Entlastung für Familien mit Kindern. Die Opposition ist skeptisch.",
        (
            "Die Bundesregierung will Familien mit Kindern bei der Einkommensteuer entlasten. Das kündigte der "
            "Finanzminister an.\n\nDie Opposition kritisierte, dass die Pläne nicht gegenfinanziert seien."
        ),
    ),
    (
        "Mannschaft gewinnt Pokal nach Verlängerung",
        "Die Mannschaft aus Freiburg hat das Pokalfinale nach Verlängerung gewonnen und feiert mit den Fans.",
        (
            "Die Mannschaft aus Freiburg hat das Pokalfinale in Berlin nach Verlängerung gewonnen. Der Trainer "
            "lobte seine Spieler.\n\nTausende Fans feierten bis in die Nacht auf den Straßen der Stadt."
        ),
    ),
    (
        "Preise für Lebensmittel steigen weiter",
        "Die Inflation ist im Juni wieder gestiegen, vor allem wegen der Preise für Lebensmittel und Energie.",
        (
            "Die Verbraucherpreise sind im Juni um drei Prozent gestiegen. Vor allem Lebensmittel wurden teurer.\n\n"
            "Ökonomen erwarten, dass die Inflation im Herbst wieder sinkt."
        ),
    ),
    (
        "Neue Schule wird im Herbst eröffnet",
        "Nach zwei Jahren Bauzeit wird die neue Gesamtschule im Herbst eröffnet. Sie bietet Platz für tausend Schüler.",
        (
            "Die neue Gesamtschule im Osten der Stadt wird im Herbst eröffnet. Sie bietet Platz für tausend "
            "Schülerinnen und Schüler.\n\nDie Bauzeit betrug zwei Jahre, die Kosten lagen im Rahmen."
        ),
    ),
    (
        "Polizei nimmt mutmaßliche Betrüger fest",
        "Die Polizei hat drei Männer festgenommen, die ältere Menschen am Telefon betrogen haben sollen.",
        (
            "Die Polizei hat drei Männer festgenommen, die sich am Telefon als Enkel ausgegeben haben sollen. "
            "Sie erbeuteten mehr als hunderttausend Euro.\n\nDie Ermittlungen dauern an."
        ),
    ),
    (
        "Forscher entdecken neue Art im Regenwald",
        "Ein Team der Universität hat im Regenwald eine bisher unbekannte Froschart entdeckt.",
        (
            "Forscher der Universität haben im Regenwald eine bisher unbekannte Froschart entdeckt. Das Tier ist "
            "nur zwei Zentimeter groß.\n\nDie Entdeckung wurde in einer Fachzeitschrift veröffentlicht."
        ),
    ),
    (
        "Streik an Flughäfen sorgt für Ausfälle",
        "Wegen eines Warnstreiks sind an mehreren Flughäfen hunderte Flüge ausgefallen. Die Gewerkschaft droht mit mehr.",
        (
            "Ein Warnstreik hat am Donnerstag den Betrieb an mehreren Flughäfen lahmgelegt. Hunderte Flüge fielen "
            "aus.\n\nDie Gewerkschaft fordert mehr Lohn und droht mit weiteren Streiks."
        ),
    ),
    (
        "Museum zeigt Werke von Paula Modersohn-Becker",
        "Das Museum zeigt ab Sonntag eine große Ausstellung mit Werken der Malerin, die auch Leihgaben enthält.",
        (
            "Das Museum zeigt ab Sonntag eine große Ausstellung mit Werken von Paula Modersohn-Becker. Viele "
            "Bilder sind Leihgaben.\n\nDie Ausstellung ist bis zum Frühjahr zu sehen."
        ),
    ),
    (
        "Autobauer kündigt Stellenabbau an",
        "Der Autobauer will in den nächsten Jahren tausende Stellen streichen. Der Betriebsrat ist empört.",
        (
            "Der Autobauer hat angekündigt, in den nächsten drei Jahren tausende Stellen zu streichen. Grund sei "
            "die schwache Nachfrage.\n\nDer Betriebsrat nannte die Pläne nicht akzeptabel."
        ),
    ),
    (
        "Hitzewelle erreicht den Süden",
        "Im Süden des Landes werden am Wochenende Temperaturen von fast vierzig Grad erwartet.",
        (
            "Der Wetterdienst erwartet am Wochenende im Süden Temperaturen von fast vierzig Grad. Ärzte raten, "
            "viel zu trinken.\n\nAuch in der nächsten Woche bleibt es heiß und trocken."
        ),
    ),
]


def _german_corpus(tmp_path: Path, language: str | None = None) -> list:
    path = tmp_path / "de.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"de-{i}", "headline": h, "standfirst": s, "body": b}, ensure_ascii=False) + "\n"
            for i, (h, s, b) in enumerate(GERMAN)
        ),
        encoding="utf-8",
    )
    return load_corpus(CorpusConfig(path=str(path), language=language)).articles


def _lead(article, words: int = 25) -> str:
    return " ".join(article.body.split()[:words])


# --- texts the tokenizer cannot see ------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["reference", "fast", "perl"])
def test_russian_pair_scored_as_english_is_counted_and_warned(engine: str, caplog) -> None:
    rouge = Rouge(RougeConfig(engine=engine, types=("rouge1",)))
    with caplog.at_level(logging.WARNING, logger="bench.metrics.rouge"):
        [s] = rouge.score([RU_PRED], [RU_REF])
    assert s["rouge1"].f1 == 0.0  # what ROUGE-1.5.5 and rouge-score really give: nothing is a token
    assert (rouge.invisible.texts, rouge.invisible.invisible) == (2, 2)
    [warning] = rouge.warnings()
    assert "2 of 2 non-empty texts (100%) yield no token" in warning and "Cyrillic" in warning
    fix = "--engine fast --lang ru" if engine == "perl" else "--lang ru"
    assert f"bench score {fix}" in warning
    assert [r.getMessage() for r in caplog.records] == [warning]


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_russian_pair_scored_as_russian_is_seen(engine: str) -> None:
    rouge = Rouge(RougeConfig(engine=engine, types=("rouge1",), language="ru"))
    [s] = rouge.score([RU_PRED], [RU_REF])
    # By hand: Москва, новые, санкции are shared; 3 of the prediction's 6 words, 3 of the reference's 4.
    assert (s["rouge1"].precision, s["rouge1"].recall) == (pytest.approx(3 / 6), pytest.approx(3 / 4))
    assert rouge.invisible.invisible == 0 and rouge.warnings() == []


def test_perl_refuses_russian_when_told_the_language() -> None:
    with pytest.raises(MetricError, match=r"metrics\.rouge\.language: engine 'perl' scores English only"):
        Rouge(RougeConfig(engine="perl", language="ru"))
    with pytest.raises(MetricError, match=r"languages\[1\]: engine 'perl' scores English only.*got 'ru'"):
        Rouge(RougeConfig(engine="perl")).score(["a", RU_PRED], ["a", RU_REF], languages=["en", "ru"])


def test_chinese_pair_is_warned_as_english_and_scored_per_character_as_chinese() -> None:
    english = Rouge(RougeConfig(engine="fast", types=("rouge1",)))
    assert english.score([ZH_PRED], [ZH_REF])[0]["rouge1"].f1 == 0.0
    assert "CJK" in english.warnings()[0] and "--lang zh" in english.warnings()[0]
    chinese = Rouge(RougeConfig(engine="fast", types=("rouge1",)))
    [s] = chinese.score([ZH_PRED], [ZH_REF], languages=["zh"])
    # By hand, one token a character: 12 shared (政府出台措施经济增长放缓) of 15 and of 14.
    assert (s["rouge1"].precision, s["rouge1"].recall) == (pytest.approx(12 / 15), pytest.approx(12 / 14))
    assert chinese.warnings() == [] and "lang:zh|tok:unicode-v1|stem:none" in chinese.signature()


def test_counts_per_call_and_over_calls_and_one_log_line(caplog) -> None:
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",)))
    with caplog.at_level(logging.WARNING, logger="bench.metrics.rouge"):
        rouge.score(["Storm closes schools", "", "   "], ["Storm shuts schools", "x", "y"])  # blanks: not counted
        assert (rouge.invisible_last.texts, rouge.invisible_last.invisible) == (4, 0)
        rouge.score([RU_PRED, ZH_PRED], [RU_REF, ZH_REF])
        rouge.score([RU_PRED], [RU_REF])
    assert (rouge.invisible_last.texts, rouge.invisible_last.invisible) == (2, 2)
    assert (rouge.invisible.texts, rouge.invisible.invisible) == (10, 6)
    assert rouge.invisible.share == pytest.approx(0.6) and rouge.invisible.share > INVISIBLE_SHARE
    assert len(caplog.records) == 1 and "4 of 4 non-empty texts" in caplog.records[0].getMessage()
    assert rouge.warnings()[0].startswith("ROUGE: 6 of 10 non-empty texts (60%)")


def test_a_minority_of_invisible_texts_is_counted_but_not_warned() -> None:
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",)))
    rouge.score(["Storm closes schools", RU_PRED], ["Storm shuts schools", "Storm in Moscow"])
    assert (rouge.invisible.texts, rouge.invisible.invisible) == (4, 1)
    assert rouge.invisible.warning is None and rouge.warnings() == []


def test_unicode_tokenizer_counts_texts_without_letters() -> None:
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",), language="de"))
    rouge.score(["— … —", "!!!"], ["*", "Der Rat tagt"])
    assert rouge.invisible.invisible == 3
    assert "they hold no letters or digits" in rouge.warnings()[0] and "check the inputs" in rouge.warnings()[0]


def test_thai_is_refused_unless_the_texts_are_segmented() -> None:
    with pytest.raises(MetricError, match=r"metrics.rouge.language: Thai \('th'\) is written without spaces"):
        Rouge(RougeConfig(language="th"))
    with pytest.raises(MetricError, match=r"languages\[0\]: Thai"):
        Rouge(RougeConfig(engine="fast")).score(["ก"], ["ก"], languages=["th"])
    segmented = Rouge(RougeConfig(engine="fast", types=("rouge1",), tokenizer="unicode", language="th"))
    assert segmented.score(["ประเทศ ไทย"], ["ประเทศ ไทย"])[0]["rouge1"].f1 == 1.0


# --- texts scored as the wrong language --------------------------------------------------------------


def test_german_corpus_without_language_is_warned_with_the_fix(tmp_path: Path, caplog) -> None:
    articles = _german_corpus(tmp_path)
    assert {a.language for a in articles} == {"en"}  # records without language: the default
    rouge = Rouge(RougeConfig(engine="fast"))
    with caplog.at_level(logging.WARNING, logger="bench.metrics.rouge"):
        rouge.score(
            [_lead(a) for a in articles], [a.standfirst for a in articles], languages=[a.language for a in articles]
        )
    assert rouge.invisible.invisible == 0  # umlauts only partly vanish: every text still has tokens
    [mismatch] = rouge.language_mismatches
    assert (mismatch.scored_as, mismatch.looks_like, mismatch.texts) == ("en", "de", len(GERMAN))
    [warning] = rouge.warnings()
    assert "texts scored as language 'en' look like German" in warning and "corpus.language: de" in warning
    assert [r.getMessage() for r in caplog.records] == [warning]


def test_german_corpus_with_its_language_is_scored_as_german(tmp_path: Path) -> None:
    articles = _german_corpus(tmp_path, language="de")
    rouge = Rouge(RougeConfig(engine="fast"))
    rouge.score(
        [_lead(a) for a in articles], [a.standfirst for a in articles], languages=[a.language for a in articles]
    )
    assert rouge.warnings() == [] and "|lang:de|tok:unicode-v1|stem:snowball-german|" in rouge.signature()


def test_the_config_language_overrides_the_items(tmp_path: Path) -> None:
    articles = _german_corpus(tmp_path)  # scored as 'en' by their records ...
    rouge = Rouge(RougeConfig(engine="fast", language="de"))  # ... unless the config says otherwise
    rouge.score(
        [_lead(a) for a in articles], [a.standfirst for a in articles], languages=[a.language for a in articles]
    )
    assert rouge.warnings() == [] and "|lang:de|" in rouge.signature()


def test_english_scored_as_german_is_warned_too() -> None:
    refs = ["The council has approved a new bridge over the river, and work will start in May."] * 10
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",), language="de"))
    rouge.score(refs, refs)
    assert [m.looks_like for m in rouge.language_mismatches] == ["en"]


@pytest.mark.skipif(not BBC.exists(), reason=f"shared BBC corpus not found at {BBC}")
def test_real_english_news_raises_no_warning() -> None:
    rows = [json.loads(line) for line in BBC.open(encoding="utf-8")][:600]
    rouge = Rouge(RougeConfig(engine="fast"))
    for field in ("headline", "standfirst"):
        rows_with = [r for r in rows if r.get(field)]
        rouge.score([" ".join(r["body"].split()[:25]) for r in rows_with], [r[field] for r in rows_with])
    assert rouge.warnings() == [] and rouge.language_mismatches == []
    assert rouge.invisible.invisible == 0
