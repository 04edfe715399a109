"""Detection rules of conflicts of interest, on plain data."""

from __future__ import annotations

from judging.core.conflicts import (
    EntryFacts,
    Finding,
    JudgeFacts,
    Rule,
    detect,
    is_public_webmail,
    registrable_domain,
    website_host,
)


def _entry(entry_id: int = 1, organisation: str = "Alpha Mesh Ltd", **fields) -> EntryFacts:
    values = {"country": "KE", "website": None, "member_emails": ("amina@alpha.example",)}
    values.update(fields)
    return EntryFacts(id=entry_id, organisation=organisation, **values)


def _judge(judge_id: int = 10, email: str = "judy@jury.example", **fields) -> JudgeFacts:
    values = {"affiliation": "University of Nairobi", "country": "GB", "user_id": None}
    values.update(fields)
    return JudgeFacts(id=judge_id, email=email, **values)


def test_unrelated_judge_and_entry_are_not_in_conflict():
    assert detect([_judge()], [_entry()]) == ()


def test_same_organisation_matches_whatever_the_case_accents_and_legal_suffix():
    entries = [_entry(1, "Santé Connectée SARL"), _entry(2, "Andes Conecta S.A.C."), _entry(3, "Beta")]
    judges = [
        _judge(10, affiliation="SANTE CONNECTEE"),
        _judge(11, affiliation="andes conecta sac"),
        _judge(12, affiliation="Andes Conecta, Ltd."),
    ]

    findings = detect(judges, entries)

    assert [(f.judge_id, f.entry_id, f.rule) for f in findings] == [
        (10, 1, Rule.SAME_ORGANISATION),
        (11, 2, Rule.SAME_ORGANISATION),
        (12, 2, Rule.SAME_ORGANISATION),
    ]


def test_an_empty_affiliation_matches_nothing():
    assert detect([_judge(affiliation="  ")], [_entry(organisation="")]) == ()


def test_email_domain_matches_a_members_address_or_the_website_host():
    entries = [
        _entry(1, member_emails=("amina@alpha.example",)),
        _entry(2, "Beta", member_emails=("bruno@gmail.com",), website="https://www.beta.co.ke/about"),
    ]
    judges = [_judge(10, "boss@alpha.example"), _judge(11, "adviser@mail.beta.co.ke")]

    findings = detect(judges, entries)

    assert [(f.judge_id, f.entry_id, f.rule) for f in findings] == [
        (10, 1, Rule.EMAIL_DOMAIN),
        (11, 2, Rule.EMAIL_DOMAIN),
    ]


def test_public_webmail_domains_never_match():
    entries = [
        _entry(1, member_emails=("amina@gmail.com", "b@yahoo.co.uk", "c@gmx.de", "d@proton.me")),
        _entry(2, "Beta", member_emails=(), website="https://gmail.com"),
    ]
    judges = [
        _judge(10, "judy@gmail.com"),
        _judge(11, "j@yahoo.co.uk"),
        _judge(12, "j@gmx.de"),
        _judge(13, "j@proton.me"),
    ]

    assert detect(judges, entries) == ()


def test_shared_website_hosts_never_match():
    entry = _entry(member_emails=(), website="https://www.facebook.com/alpha-mesh")

    assert detect([_judge(email="engineer@facebook.com")], [entry]) == ()


def test_different_companies_under_one_country_suffix_do_not_match():
    entry = _entry(member_emails=("amina@alpha.co.uk",))

    assert detect([_judge(email="j@beta.co.uk")], [entry]) == ()


def test_membership_matches_by_account_or_address_and_is_the_strongest_rule():
    entries = [
        _entry(1, member_emails=("amina@alpha.example",), member_ids=frozenset({5})),
        _entry(2, "Beta", member_emails=("bruno@beta.example",)),
    ]
    judges = [
        _judge(10, "amina@alpha.example", user_id=5, affiliation="Alpha Mesh"),
        _judge(11, "Bruno@Beta.example"),
    ]

    findings = detect(judges, entries)

    assert findings == (
        Finding(10, 1, Rule.MEMBER, (Rule.MEMBER, Rule.SAME_ORGANISATION, Rule.EMAIL_DOMAIN)),
        Finding(11, 2, Rule.MEMBER, (Rule.MEMBER, Rule.EMAIL_DOMAIN)),
    )


def test_same_country_only_when_the_challenge_asks_for_it():
    entries = [_entry(1, country="KE"), _entry(2, "Beta", country="PE")]
    judges = [_judge(10, country="ke")]

    without = detect(judges, entries)
    with_country = detect(judges, entries, same_country=True)

    assert without == ()
    assert with_country == (Finding(10, 1, Rule.SAME_COUNTRY, (Rule.SAME_COUNTRY,)),)


def test_each_pair_is_reported_once_and_skipped_pairs_not_at_all():
    entries = [
        _entry(1, member_emails=("a@alpha.example",), website="alpha.example"),
        _entry(2, "Alpha Mesh"),
    ]
    judges = [_judge(10, "x@alpha.example", affiliation="Alpha Mesh"), _judge(11, affiliation="Alpha Mesh")]

    findings = detect(judges, entries, same_country=False, skip=frozenset({(11, 2)}))

    assert [(f.judge_id, f.entry_id) for f in findings] == [(10, 1), (10, 2), (11, 1)]
    assert findings[0].rules == (Rule.SAME_ORGANISATION, Rule.EMAIL_DOMAIN)


def test_domain_helpers():
    assert registrable_domain("mail.acme.co.uk") == "acme.co.uk"
    assert registrable_domain("www.acme.com") == "acme.com"
    assert registrable_domain("uonbi.ac.ke") == "uonbi.ac.ke"
    assert website_host("acme.example/path") == "acme.example"
    assert website_host("HTTPS://WWW.Acme.Example:8080/") == "www.acme.example"
    assert website_host("http://[bad") is None
    assert is_public_webmail("hotmail.fr") and is_public_webmail("yahoo.com.br")
    assert not is_public_webmail("outlookventures.com")
