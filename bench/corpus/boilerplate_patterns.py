"""The default lists of boilerplate lines: page widgets and placeholders, and caption and credit lines.

Edit these lists to change what every corpus loses by default; a config adds its own with
``corpus.clean.patterns`` (or replaces the defaults with ``default_patterns: false``). Each entry is a
regular expression that must match a *whole* line (``re.fullmatch``, case-insensitive, the line's
outer whitespace and a leading bullet ``-``/``•``/``*`` removed), so a pattern never cuts a sentence
that merely contains its words. Bounded repeats (``.{0,120}``) keep a pattern from swallowing a paragraph.
"""

from __future__ import annotations

__all__ = ["PLACEHOLDER_PATTERNS", "CAPTION_PATTERNS"]

#: Page furniture that scraping leaves in the text: media placeholders, share bars, sign-up and cookie
#: prompts, "read more" links, advertising labels (English and German).
PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    r"this (video|content|media|element) (is not|isn't|cannot be) (supported|available|played|shown)\b.{0,120}",
    r"media playback is (unsupported|not supported)\b.{0,120}",
    r"(your|this) (browser|device) (does not|doesn't|cannot|can't) (support|play|display)\b.{0,150}",
    r"(please )?(enable|turn on|activate) javascript\b.{0,150}",
    r"(dieses video|dieser inhalt) (ist|kann) (nicht|leider nicht)\b.{0,150}",
    r"(bitte )?aktivieren sie javascript\b.{0,150}",
    r"(share|teilen)( (this|the|den|diesen) (article|story|page|post|video|artikel|beitrag))?( (on|via|per) \w{1,30})?\W{0,3}",
    r"(share|teilen) (on|via|per|auf) (facebook|twitter|x|whatsapp|linkedin|e-?mail|telegram|reddit)\W{0,3}",
    (
        r"(facebook|twitter|whatsapp|e-?mail|linkedin|pinterest|telegram|reddit|print|drucken|copy link)"
        r"(\W{1,5}(facebook|twitter|whatsapp|e-?mail|linkedin|pinterest|telegram|reddit|print|drucken|copy link)){0,10}\W{0,3}"
    ),
    r"(follow|like|find) us on \w{1,30}.{0,100}",
    r"folgen sie uns( auf)? \w{1,30}.{0,100}",
    r"(sign up|subscribe) (to|for|now|here|today)\b.{0,150}",
    r"(get|receive) (our|the) .{0,60}newsletter\b.{0,120}",
    r"(newsletter|jetzt abonnieren|abonnieren sie)(\W{0,3}|\s?[:|»›-].{0,150})",
    (
        r"(we use cookies|this (site|website) uses cookies|(accept|manage|reject) (all )?cookies"
        r"|cookie (settings|policy|preferences|einstellungen)|wir verwenden cookies)\b.{0,200}"
    ),
    r"(read|see) (more|also)(\W{0,3}|\s?[:|»›>-].{0,120}|\s(about|on|at|here|in)\b.{0,120})",
    (
        r"(related( (topics|stories|articles|content|links|coverage|reading))?|more on this (story|topic)"
        r"|top stories|most (read|popular|viewed|shared)|recommended( for you)?)\W{0,3}"
    ),
    r"(lesen|hören|sehen) sie (auch|mehr|hier)\b.{0,150}",
    r"(mehr zum thema|mehr dazu|alles zum thema|auch interessant|weiterlesen)\b.{0,150}",
    r"(advertisement|advertising|sponsored( content)?|anzeige|werbung)\W{0,3}",
    r"(click|tap) here\b.{0,150}",
    r"(skip to (main )?content|back to top|zurück nach oben|zur startseite|link copied|print this (page|article))\W{0,3}",
    r"(our standards|all rights reserved|alle rechte vorbehalten)\b.{0,200}",
)

#: Caption and credit lines: they describe a picture, not the story ("Image caption ...", "Photo: ...",
#: "(Reuters)", "© AFP", "Jane Doe/Getty Images").
_AGENCY = (
    r"(reuters|ap|afp|dpa|epa|pa( media| wire)?|ddp|kna|epd|ansa|efe|upi|xinhua|getty( images)?|imago( images)?"
    r"|associated press|agence france-presse|picture alliance|shutterstock|istock(photo)?|alamy)"
)
CAPTION_PATTERNS: tuple[str, ...] = (
    r"(image|photo|picture|video|media) (caption|copyright|credit|source)\b.{0,200}",
    r"(photo|photograph|picture|image|pic|foto|bild|bildquelle|quelle|credit|grafik|illustration)s?\s?:.{0,200}",
    r"(©|\(c\) ?\d{4}|copyright ?(©|\(c\))? ?\d{4}).{0,150}",
    rf"\(?{_AGENCY}\)?(\s?[/,|]\s?\(?{_AGENCY}\)?){{0,4}}( photos?)?\W{{0,3}}",
    rf"[\w .'’-]{{1,60}}/\s?{_AGENCY}( via getty images)?\W{{0,3}}",
)
