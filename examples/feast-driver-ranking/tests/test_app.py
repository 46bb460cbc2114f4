from serving.app import RankRequest


def test_request_accepts_driver_ids():
    assert RankRequest(driver_ids=[1, 2]).driver_ids == [1, 2]
