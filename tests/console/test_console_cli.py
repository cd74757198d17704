"""The `mortgage-cloud officer console-password` command: a password from standard input, or a one-time code."""

from console_support import log_in, run_cli


async def test_cli_password_from_stdin(client, settings, make_officer):
    officer = await make_officer(password=None)
    result = run_cli(settings, "officer", "console-password", "--id", officer.id, stdin="Befehl2026zeile\n")
    assert result.returncode == 0, result.stderr
    assert "Befehl2026zeile" not in result.stdout
    assert (await log_in(client, officer, password="Befehl2026zeile")).status_code == 200


async def test_cli_one_time_code(client, settings, make_officer):
    officer = await make_officer(password=None)
    result = run_cli(settings, "officer", "console-password", "--id", officer.id, "--one-time-code")
    code = dict(line.split(": ", 1) for line in result.stdout.splitlines())["one_time_code"]
    response = await client.post("/console/v1/first-login", json={
        "uscc": officer.uscc, "login": officer.id, "one_time_code": code, "new_password": "Befehl2026code"})
    assert result.returncode == 0, result.stderr
    assert response.status_code == 200


async def test_cli_weak_password_rejected(settings, make_officer):
    officer = await make_officer(password=None)
    result = run_cli(settings, "officer", "console-password", "--id", officer.id, stdin="kurz\n")
    assert result.returncode == 2
    assert "VALIDATION_FAILED" in result.stderr


def test_cli_unknown_officer(settings):
    result = run_cli(settings, "officer", "console-password", "--id", "00000000-0000-4000-8000-000000000001",
                     "--one-time-code")
    assert result.returncode == 2
    assert "OFFICER_NOT_FOUND" in result.stderr
