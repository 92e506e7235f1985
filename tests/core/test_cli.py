"""CLI exit codes (SPEC 8): 2 for bad arguments, before any work is done."""

from typer.testing import CliRunner

from partner_analytics.cli import app

runner = CliRunner()


def test_run_refuses_a_week_ending_that_is_not_a_sunday(tmp_path):
    (tmp_path / "landing" / "US").mkdir(parents=True)
    result = runner.invoke(app, ["run", "--landing", str(tmp_path / "landing"), "--home", str(tmp_path / "home"), "--week-ending", "2026-11-25"])
    assert result.exit_code == 2
    assert "week ending must be a Sunday" in result.output and "2026-11-25 (Wednesday)" in result.output
    assert not (tmp_path / "home").exists()  # nothing was written


def test_run_refuses_an_unknown_region(tmp_path):
    (tmp_path / "landing").mkdir()
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path / "landing"), "--home", str(tmp_path / "home"), "--week-ending", "2026-11-22", "--region", "MARS"]
    )
    assert result.exit_code == 2
    assert "unknown region(s) MARS" in result.output


def test_run_refuses_a_missing_landing_folder(tmp_path):
    result = runner.invoke(app, ["run", "--landing", str(tmp_path / "nope"), "--home", str(tmp_path / "home"), "--week-ending", "2026-11-22"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_generate_refuses_a_bad_scale(tmp_path):
    result = runner.invoke(app, ["generate", "--landing", str(tmp_path), "--week-ending", "2026-11-22", "--scale", "xxl"])
    assert result.exit_code == 2
