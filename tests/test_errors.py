"""The error hierarchy: messages teach, the CLI turns them into one line and an exit code."""

from byibalance.errors import ErrorLocation, ScenarioError


def test_message_names_place_problem_and_fix() -> None:
    err = ScenarioError(
        "dwellings must not be negative, got -5",
        fix="give the number of dwellings completed that year (0 or more)",
        where=ErrorLocation(file="s.yaml", field="population.housing.projects[0].dwellings",
                            year=2027),
    )
    text = str(err)
    assert text.startswith("s.yaml, field 'population.housing.projects[0].dwellings', year 2027:")
    assert "got -5" in text and text.endswith("(0 or more)")
    assert err.exit_code == 2
    assert err.as_detail()["field"] == "population.housing.projects[0].dwellings"
