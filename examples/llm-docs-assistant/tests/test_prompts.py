from backend.prompts import REPHRASE_TEMPLATE, RESPONSE_TEMPLATE


def test_templates_have_their_variables():
    assert "{context}" in RESPONSE_TEMPLATE
    assert "{chat_history}" in REPHRASE_TEMPLATE
    assert "{question}" in REPHRASE_TEMPLATE
