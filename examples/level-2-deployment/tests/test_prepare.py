from churn.prepare import main


def test_prepare_drops_missing_rows(tmp_path):
    src = tmp_path / "raw.csv"
    src.write_text("a,churned\n1,0\n,1\n")
    main(str(src), str(tmp_path / "out.parquet"))
