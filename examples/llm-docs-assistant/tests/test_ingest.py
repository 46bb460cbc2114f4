from backend.ingest import simple_extractor


def test_extractor_strips_markup():
    assert simple_extractor("<p>Hello <b>docs</b></p>") == "Hello docs"
