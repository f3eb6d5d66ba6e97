import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, csrf_token, login

NEW_DOC = {"title": "Trafficking in women and girls", "forum": "un-ga", "kind": "resolution"}


def test_everything_but_login_and_health_needs_a_login(client: FlaskClient) -> None:
    assert client.get("/api/health").status_code == 200
    assert client.get("/login").status_code == 200
    response = client.get("/api/forums")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    page = client.get("/documents")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_login_failure_does_not_reveal_whether_the_user_exists(client: FlaskClient) -> None:
    token = csrf_token(client)
    wrong_password = client.post(
        "/login", data={"username": "viewer", "password": "nope-nope-nope", "csrf_token": token}
    )
    no_such_user = client.post(
        "/login", data={"username": "nobody", "password": "nope-nope-nope", "csrf_token": token}
    )
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert "Wrong user name or password." in wrong_password.get_data(as_text=True)

    # The pages differ only by the user name echoed back into the form (and the CSRF
    # tokens, which are signed with a timestamp).
    def normalised(response, name: str) -> str:
        html = response.get_data(as_text=True).replace(name, "X")
        return re.sub(r'(csrf[-_]token"[^>]*(?:value|content)=")[^"]+', r"\1", html)

    assert normalised(wrong_password, "viewer") == normalised(no_such_user, "nobody")


def test_form_posts_need_the_csrf_token(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 400
    login(client, "negotiator")
    # A cookie session posting JSON without the token is refused …
    refused = client.post("/api/documents", json=NEW_DOC)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf"
    # … and accepted with it, as the pages send it.
    token = csrf_token(client, "/")
    accepted = client.post("/api/documents", json=NEW_DOC, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_roles(client: FlaskClient, auth) -> None:
    assert client.post("/api/documents", json=NEW_DOC, headers=auth("viewer")).status_code == 403
    created = client.post("/api/documents", json=NEW_DOC, headers=auth("negotiator"))
    assert created.status_code == 201
    assert client.get("/api/documents", headers=auth("viewer")).status_code == 200
    admin_doc = dict(NEW_DOC, symbol="A/C.3/80/L.99")
    assert client.post("/api/documents", json=admin_doc, headers=auth("admin")).status_code == 201


def test_tokens(app: Flask, client: FlaskClient, runner) -> None:
    bad = client.get("/api/forums", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "bad-token"
    result = runner.invoke(args=["create-token", "viewer"])
    assert result.exit_code == 0
    token = result.stdout.strip()  # the token alone; its id and expiry go to stderr
    response = client.get("/api/forums", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    # The token authenticates one request and leaves no session behind.
    assert client.get("/api/forums").status_code == 401
    from multilateral.extensions import db
    from multilateral.models import ApiToken
    from multilateral.services.accounts import hash_token

    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
        assert token not in stored and hash_token(token) in stored


def test_create_user_from_standard_input(app: Flask, runner) -> None:
    result = runner.invoke(
        args=["create-user", "amina", "--role", "negotiator", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    weak = runner.invoke(args=["create-user", "bob", "--password-stdin"], input="short\n")
    assert weak.exit_code != 0 and "at least" in weak.output
    from multilateral.extensions import db
    from multilateral.models import User

    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="amina"))
        assert user.role == "negotiator"
        assert user.password_hash.startswith("$argon2id$")


def test_logout(client: FlaskClient) -> None:
    login(client, "viewer")
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302


def test_anonymous_writes_are_unauthorized_not_csrf_errors(client: FlaskClient) -> None:
    response = client.post("/api/documents", json=NEW_DOC)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
