"""Mail intake without a server: a message read into sender and attachments, and the sender checked against the contributor."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tertial.config import load_cycle
from tertial.mailbox import MAX_MESSAGE_BYTES, Letter, Staged, header_letter, parse_letter, sender_address, sort_letter
from tertial.settings import SettingsError, load_settings
from tests.builders import changed_copy
from tests.conftest import MINI


def _message(sender: str, *attachments: tuple[str, bytes], subject: str = "Underlag") -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = sender, subject
    message.set_content("Hej!")
    for name, content in attachments:
        message.add_attachment(content, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


@pytest.mark.parametrize(("header", "address"), [
    ("Alex Barn <Alex@Example.SE>", "alex@example.se"),
    ("alex@example.se", "alex@example.se"),
    ("alex@example.se, eli@example.se", ""),  # two senders: nobody's
    ("Ingen adress", ""),
])
def test_the_sender_is_the_one_address_in_from(header, address):
    assert sender_address([header]) == address


def test_a_message_keeps_its_submissions_and_names_what_it_leaves_out():
    raw = _message("alex@example.se", ("../../barn.xlsx", b"PK-bok"), ("csv.zip", b"PK-zip"), ("protokoll.pdf", b"%PDF"),
                   subject="=?utf-8?q?Underlag_=C3=A4ldre?=")
    letter = parse_letter("7", raw)
    assert [(a.name, a.content) for a in letter.attachments] == [("barn.xlsx", b"PK-bok"), ("csv.zip", b"PK-zip")]
    assert letter.skipped == ("protokoll.pdf hoppas över: bara en arbetsbok (.xlsx) eller en zippad CSV-mapp (.zip) tas emot",)
    assert letter.heading == "E-post från alex@example.se med ämnet ”Underlag äldre”"


def test_an_attachment_over_the_readers_limit_is_left_out():
    limit = 2 * 1024 * 1024  # the reader's 50 MB, smaller
    raw = _message("alex@example.se", ("stor.xlsx", b"x" * (limit + 1)), ("liten.xlsx", b"x" * limit))
    letter = parse_letter("1", raw, max_bytes=limit)
    assert [a.name for a in letter.attachments] == ["liten.xlsx"]
    assert letter.skipped == ("stor.xlsx hoppas över: filen är för stor (2 MB; högst 2 MB tas emot)",)


def test_a_message_too_large_to_fetch_is_refused_by_its_headers(mini_cycle):
    letter = header_letter("3", b"From: alex@example.se\r\nSubject: Stor\r\n\r\n", MAX_MESSAGE_BYTES + 1)
    refused = sort_letter(mini_cycle, letter, [])
    assert refused.flagged and refused.refusal.startswith("E-post från alex@example.se med ämnet ”Stor”: meddelandet är "
                                                          "för stort (68 MB; högst 68 MB) och hämtas inte.")


def _letter(sender: str) -> Letter:
    return Letter("1", sender, "Underlag")


@pytest.mark.parametrize(("sender", "claimed", "taken"), [
    ("alex@example.se", "barn", True),  # the contributor's own address
    ("kim@example.se", "stab", True),
    ("alex@example.se", None, True),  # claims nobody: the sender's one contributor, and intake says why
    ("alex@example.se", "aldre", False),  # another contributor's workbook
    ("okand@example.com", "barn", False),  # nobody's address
])
def test_a_file_is_taken_in_only_from_an_address_of_the_contributor_it_claims(mini_cycle, sender, claimed, taken):
    result = sort_letter(mini_cycle, _letter(sender), [Staged("bok.xlsx", claimed)])
    assert (result.taken, result.flagged) == ((("bok.xlsx",), False) if taken else ((), True))


def test_a_file_claiming_nobody_from_a_deputy_of_two_is_refused(tmp_path):
    def shared_deputy(data):
        for contributor in data["contributors"]:
            if contributor["id"] in ("barn", "aldre"):
                contributor["deputy_email"] = "vik@example.se"

    cycle = load_cycle(changed_copy(MINI.parent, tmp_path, "cycle.yaml", shared_deputy))
    refused = sort_letter(cycle, _letter("vik@example.se"), [Staged("bok.xlsx", None)])
    assert refused.refusal.startswith("E-post från vik@example.se med ämnet ”Underlag”: bok.xlsx tas inte emot – "
                                      "filen anger ingen bidragsgivare och avsändaren skriver för flera (barn, aldre).")
    assert sort_letter(cycle, _letter("vik@example.se"), [Staged("bok.xlsx", "aldre")]).taken == ("bok.xlsx",)


def test_the_mailbox_needs_host_and_user_and_tls_beyond_loopback(monkeypatch):
    monkeypatch.setenv("TERTIAL_IMAP_HOST", "imap.stad.test")
    monkeypatch.setenv("TERTIAL_IMAP_TLS", "false")
    monkeypatch.setenv("TERTIAL_IMAP_PASSWORD", "hemligt-Imap-1")
    with pytest.raises(SettingsError) as refused:
        load_settings().imap()
    assert refused.value.message_sv == ("Inställningarna för e-postlådan saknas eller är felaktiga: TERTIAL_IMAP_TLS, "
                                        "TERTIAL_IMAP_USER. Sätt miljövariablerna och försök igen.")
    monkeypatch.setenv("TERTIAL_IMAP_USER", "tertial")
    monkeypatch.delenv("TERTIAL_IMAP_TLS")
    imap = load_settings().imap()
    assert (imap.host, imap.port, imap.folder, imap.tls) == ("imap.stad.test", 993, "INBOX", True)
    assert "hemligt-Imap-1" not in repr(imap)
