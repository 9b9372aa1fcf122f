from knowledge.normalize import content, fold, stem, words


def test_fold_unifies_quotes_case_and_accents():
    assert fold("Staff Member’s CAFÉ") == "staff member cafe"


def test_contractions_expand():
    assert words("can't I? don't") == ["can", "not", "i", "do", "not"]


def test_slack_markup_keeps_only_link_labels():
    assert content(words("<!channel> <@U123ABC> see <https://x.example|the page>")) == [
        "see",
        "page",
    ]


def test_stemming_is_consistent_for_inflections():
    assert {stem(w) for w in ("text", "texts", "texting", "texted")} == {"text"}
    assert stem("friending") == stem("friends") == "friend"
    assert stem("replies") == "reply"


def test_short_words_are_left_alone():
    assert stem("bus") == "bus" and stem("fb") == "fb"
