"""Every message of the interface has an English translation (Vietnamese is the source language)."""
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_of_the_interface_has_an_english_translation():
    entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first entry is the catalogue's header
    untranslated = [entry for entry in entries
                    if not entry.startswith("#~") and entry.rstrip().endswith('msgstr ""')]
    assert untranslated == [], f"{len(untranslated)} chuỗi chưa dịch, ví dụ:\n{untranslated[:3]}"


def test_no_translation_is_left_fuzzy_where_django_would_ignore_it():
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8").split("\n\n", 1)[1]
