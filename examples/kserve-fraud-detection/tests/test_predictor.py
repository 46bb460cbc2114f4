from serving.predictor import FraudModel


def test_model_is_not_ready_before_load():
    assert FraudModel("fraud").ready is False
